#include "docket/codec/index_file.hpp"

#include <cstring>

#include "docket/crypto/sha256.hpp"

namespace docket::codec {
namespace {

constexpr std::string_view kMagic{"DKTIDX\x00\x02", 8};  // format version 2
constexpr std::size_t kTreeHexSize = 40;

class Writer {
public:
  explicit Writer(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void text(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void time(std::optional<Timestamp> t) {
    u8(t ? 1 : 0);
    if (t) i64(t->seconds);
  }
  void email(const Email& e) { text(e.str()); }

private:
  std::string& out_;
};

// Reads what Writer wrote; every read is bounds-checked and sets `ok` false instead of reading
// past the end, so hostile or truncated bytes never crash a reader.
class Reader {
public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t position() const { return pos_; }
  std::string_view bytes(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    const std::string_view out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::uint64_t le(int size) {
    const std::string_view b = bytes(static_cast<std::size_t>(size));
    std::uint64_t v = 0;
    for (int i = 0; i < static_cast<int>(b.size()); ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    return v;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(le(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
  std::uint64_t u64() { return le(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::string_view text() { return bytes(u32()); }
  std::optional<Timestamp> time() {
    const std::uint8_t flag = u8();
    if (flag > 1) ok_ = false;
    if (flag != 1) return std::nullopt;
    return Timestamp{i64()};
  }
  Email email() {
    const std::string_view t = text();
    if (t.empty()) return Email{};  // a record that names nobody (not one docket writes)
    const auto e = Email::parse(t);
    if (!e) ok_ = false;
    return e.value_or(Email{});
  }
  ExceptionId id() {
    const std::string_view t = text();
    if (t.empty()) return ExceptionId{};
    const auto i = ExceptionId::parse(t);
    if (!i) ok_ = false;
    return i.value_or(ExceptionId{});
  }
  template <class Enum>
  Enum enumerated(Enum last) {
    const std::uint8_t v = u8();
    if (v > static_cast<std::uint8_t>(last)) ok_ = false;
    return ok_ ? static_cast<Enum>(v) : Enum{};
  }
  // A count of items each at least `min_size` bytes long: refused when the rest cannot hold them,
  // so a hostile count never makes a reader reserve gigabytes.
  std::uint32_t count(std::size_t min_size) {
    const std::uint32_t n = u32();
    if (ok_ && static_cast<std::uint64_t>(n) * min_size > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }

private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void encode_summary(Writer& w, const core::RecordSummary& s) {
  w.text(s.id.str());
  w.text(s.title);
  w.text(s.template_name);
  w.u8(static_cast<std::uint8_t>(s.state));
  w.u8(static_cast<std::uint8_t>(s.severity));
  w.text(s.identity.kind);
  w.text(s.identity.name);
  w.text(s.identity.system);
  w.u32(static_cast<std::uint32_t>(s.owners.size()));
  for (const Email& e : s.owners) w.email(e);
  w.u8(s.assignee ? 1 : 0);
  if (s.assignee) w.email(*s.assignee);
  w.i64(s.opened.at.seconds);
  w.email(s.opened.by);
  w.text(s.source.tool);
  w.text(s.source.rule);
  w.text(s.source.fingerprint);
  w.text(s.source.location);
  w.time(s.source.missing_since);
  w.time(s.due);
  w.u32(static_cast<std::uint32_t>(s.frameworks.size()));
  for (const auto& f : s.frameworks) w.text(f);
  w.time(s.first_decision);
  w.u8(s.outcome ? 1 : 0);
  if (s.outcome) {
    w.u8(static_cast<std::uint8_t>(s.outcome->resolution));
    w.i64(s.outcome->decided.at.seconds);
    w.email(s.outcome->decided.by);
    w.time(s.outcome->expires);
  }
  w.time(s.review_due);
  w.u8(s.review_done ? 1 : 0);
  w.u32(static_cast<std::uint32_t>(s.recurrence_of.size()));
  for (const auto& id : s.recurrence_of) w.text(id.str());
}

std::optional<core::RecordSummary> decode_summary(std::string_view bytes) {
  Reader r(bytes);
  core::RecordSummary s;
  s.id = r.id();
  s.title = r.text();
  s.template_name = r.text();
  s.state = r.enumerated(State::closed);
  s.severity = r.enumerated(Severity::low);
  s.identity.kind = r.text();
  s.identity.name = r.text();
  s.identity.system = r.text();
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n) s.owners.push_back(r.email());
  const std::uint8_t has_assignee = r.u8();
  if (has_assignee > 1) return std::nullopt;
  if (has_assignee) s.assignee = r.email();
  s.opened.at = Timestamp{r.i64()};
  s.opened.by = r.email();
  s.source.tool = r.text();
  s.source.rule = r.text();
  s.source.fingerprint = r.text();
  s.source.location = r.text();
  s.source.missing_since = r.time();
  s.due = r.time();
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n) s.frameworks.emplace_back(r.text());
  s.first_decision = r.time();
  const std::uint8_t has_outcome = r.u8();
  if (has_outcome > 1) return std::nullopt;
  if (has_outcome) {
    core::RecordSummary::Decided d;
    d.resolution = r.enumerated(Resolution::revoked);
    d.decided.at = Timestamp{r.i64()};
    d.decided.by = r.email();
    d.expires = r.time();
    s.outcome = d;
  }
  s.review_due = r.time();
  const std::uint8_t done = r.u8();
  if (done > 1) return std::nullopt;
  s.review_done = done == 1;
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n) s.recurrence_of.push_back(r.id());
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

std::array<std::uint8_t, 32> digest_of(std::string_view bytes) { return crypto::sha256(bytes).bytes(); }

}  // namespace

std::string encode_index_folder(std::string_view tree, const std::vector<IndexEntryInput>& entries) {
  std::string section;
  std::string json;
  Writer w(section);
  for (const auto& e : entries) {
    w.text(e.name);
    w.text(e.blob);
    const core::RecordSummary& m = e.summary;
    w.i64(m.opened.at.seconds);
    w.u8(static_cast<std::uint8_t>(m.state));
    w.u8(static_cast<std::uint8_t>(m.severity));
    w.time(m.due);
    w.text(m.title);
    w.text(m.assignee ? std::string_view(m.assignee->str()) : std::string_view());
    w.u8(m.outcome ? static_cast<std::uint8_t>(static_cast<std::uint8_t>(m.outcome->resolution) + 1) : 0);
    w.time(m.outcome ? m.outcome->expires : std::nullopt);
    w.time(m.review_due);
    w.u8(m.review_done ? 1 : 0);
    w.u64(json.size());
    w.u32(static_cast<std::uint32_t>(e.json.size()));
    const auto d = digest_of(e.json);
    section.append(reinterpret_cast<const char*>(d.data()), d.size());
    std::string summary;
    Writer sw(summary);
    encode_summary(sw, e.summary);
    w.text(summary);
    json += e.json;
  }
  std::string out;
  out.reserve(kIndexHeaderSize + section.size() + json.size());
  out.append(kMagic);
  out.append(tree);
  Writer h(out);
  h.u32(static_cast<std::uint32_t>(entries.size()));
  h.u64(section.size());
  crypto::Sha256 hash;
  hash.update(out);
  hash.update(section);
  const auto d = hash.finish().bytes();
  out.append(reinterpret_cast<const char*>(d.data()), d.size());
  out += section;
  out += json;
  return out;
}

std::optional<std::uint64_t> index_summary_size(std::string_view header) {
  if (header.size() < kIndexHeaderSize || header.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  Reader r(header.substr(kMagic.size() + kTreeHexSize, 12));
  r.u32();
  const std::uint64_t section = r.u64();
  if (section > (std::uint64_t{1} << 40)) return std::nullopt;
  return kIndexHeaderSize + section;
}

std::optional<IndexFolder> IndexFolder::parse(std::string bytes, std::string_view tree) {
  const auto size = index_summary_size(bytes);
  if (!size || bytes.size() < *size) return std::nullopt;
  const std::string_view all(bytes);
  if (tree.size() != kTreeHexSize || all.substr(kMagic.size(), kTreeHexSize) != tree) return std::nullopt;
  const std::string_view section = all.substr(kIndexHeaderSize, *size - kIndexHeaderSize);
  crypto::Sha256 hash;
  hash.update(all.substr(0, kIndexHeaderSize - 32));
  hash.update(section);
  const auto d = hash.finish().bytes();
  if (std::memcmp(d.data(), all.data() + kIndexHeaderSize - 32, d.size()) != 0) return std::nullopt;

  IndexFolder folder;
  folder.bytes_ = std::move(bytes);
  folder.section_size_ = *size - kIndexHeaderSize;
  const std::string_view kept(folder.bytes_);
  Reader header(kept.substr(kMagic.size() + kTreeHexSize, 4));
  const std::uint32_t count = header.u32();
  Reader r(kept.substr(kIndexHeaderSize, folder.section_size_));
  // Each entry takes at least 79 bytes: the count cannot promise more entries than fit.
  if (static_cast<std::uint64_t>(count) * 79 > folder.section_size_) return std::nullopt;
  folder.entries_.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Entry e;
    e.name = r.text();
    e.blob = r.text();
    e.opened = Timestamp{r.i64()};
    e.state = r.enumerated(State::closed);
    e.severity = r.enumerated(Severity::low);
    e.due = r.time();
    e.title = r.text();
    e.assignee = r.text();
    const std::uint8_t decided = r.u8();
    if (decided > static_cast<std::uint8_t>(Resolution::revoked) + 1) return std::nullopt;
    if (decided) e.decided = static_cast<Resolution>(decided - 1);
    e.expires = r.time();
    e.review_due = r.time();
    const std::uint8_t done = r.u8();
    if (done > 1) return std::nullopt;
    e.review_done = done == 1;
    e.json_offset = r.u64();
    e.json_size = r.u32();
    const std::string_view json_digest = r.bytes(32);
    if (r.ok()) std::memcpy(e.json_digest.data(), json_digest.data(), 32);
    e.summary = r.text();
    if (!r.ok()) return std::nullopt;
    folder.entries_.push_back(e);
  }
  if (!r.at_end()) return std::nullopt;
  return folder;
}

std::optional<core::RecordSummary> IndexFolder::summary(const Entry& entry) { return decode_summary(entry.summary); }

bool IndexFolder::json_matches(const Entry& entry, std::string_view json) {
  return json.size() == entry.json_size && digest_of(json) == entry.json_digest;
}

}  // namespace docket::codec
