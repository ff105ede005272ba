#include "docket/codec/index_file.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "docket/crypto/sha256.hpp"

namespace docket::codec {
namespace {

constexpr std::string_view kMagic{"DKTIDX\x00\x03", 8};  // format version 3
constexpr std::string_view kTableMagic{"DKTTBL\x00\x01", 8};  // format version 1
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
  static constexpr std::int64_t kEarliest = -62167219200;  // 0000-01-01T00:00:00Z
  static constexpr std::int64_t kLatest = 253402300799;    // 9999-12-31T23:59:59Z
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
  // A time docket can write (years 0000 to 9999): no arithmetic on it can overflow.
  Timestamp timestamp() {
    const std::int64_t t = i64();
    if (t < kEarliest || t > kLatest) ok_ = false;
    return Timestamp{ok_ ? t : 0};
  }
  std::optional<Timestamp> time() {
    const std::uint8_t flag = u8();
    if (flag > 1) ok_ = false;
    if (flag != 1) return std::nullopt;
    return timestamp();
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
  w.text(s.source.tool_fingerprint);
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
  s.opened.at = r.timestamp();
  s.opened.by = r.email();
  s.source.tool = r.text();
  s.source.rule = r.text();
  s.source.fingerprint = r.text();
  s.source.location = r.text();
  s.source.missing_since = r.time();
  s.source.tool_fingerprint = r.text();
  s.due = r.time();
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n) s.frameworks.emplace_back(r.text());
  s.first_decision = r.time();
  const std::uint8_t has_outcome = r.u8();
  if (has_outcome > 1) return std::nullopt;
  if (has_outcome) {
    core::RecordSummary::Decided d;
    d.resolution = r.enumerated(Resolution::revoked);
    d.decided.at = r.timestamp();
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

// The fixed fields after a row's name, as folder entries and table rows both hold them.
void write_fixed(Writer& w, const IndexRow& row) {
  w.i64(row.opened.seconds);
  w.u8(static_cast<std::uint8_t>(row.state));
  w.u8(static_cast<std::uint8_t>(row.severity));
  w.time(row.due);
  w.text(row.title);
  w.text(row.assignee);
  w.u8(row.decided ? static_cast<std::uint8_t>(static_cast<std::uint8_t>(*row.decided) + 1) : 0);
  w.time(row.expires);
  w.time(row.review_due);
  w.u8(row.review_done ? 1 : 0);
}

// Reads what write_fixed wrote; false when the bytes are not such fields.
bool read_fixed(Reader& r, IndexRow& row) {
  row.opened = r.timestamp();
  row.state = r.enumerated(State::closed);
  row.severity = r.enumerated(Severity::low);
  row.due = r.time();
  row.title = r.text();
  row.assignee = r.text();
  const std::uint8_t decided = r.u8();
  if (decided > static_cast<std::uint8_t>(Resolution::revoked) + 1) return false;
  if (decided) row.decided = static_cast<Resolution>(decided - 1);
  row.expires = r.time();
  row.review_due = r.time();
  const std::uint8_t done = r.u8();
  if (done > 1) return false;
  row.review_done = done == 1;
  return r.ok();
}

// The file: `magic`, `tree`, count, section size, SHA-256 of those and `section`, `section`.
std::string with_header(std::string_view magic, std::string_view tree, std::uint32_t count, std::string_view section,
                        std::size_t extra) {
  std::string out;
  out.reserve(kIndexHeaderSize + section.size() + extra);
  out.append(magic);
  out.append(tree);
  Writer h(out);
  h.u32(count);
  h.u64(section.size());
  crypto::Sha256 hash;
  hash.update(out);
  hash.update(section);
  const auto d = hash.finish().bytes();
  out.append(reinterpret_cast<const char*>(d.data()), d.size());
  out += section;
  return out;
}

// The size of header plus section of a file with `magic`; nullopt when `header` is not one.
std::optional<std::uint64_t> section_end(std::string_view header, std::string_view magic) {
  if (header.size() < kIndexHeaderSize || header.substr(0, magic.size()) != magic) return std::nullopt;
  Reader r(header.substr(magic.size() + kTreeHexSize, 12));
  r.u32();
  const std::uint64_t section = r.u64();
  if (section > (std::uint64_t{1} << 40)) return std::nullopt;
  return kIndexHeaderSize + section;
}

// The section of `all` (a file with `magic`) when its header names `tree` and its digest holds,
// with the header's count; nullopt otherwise.
std::optional<std::pair<std::string_view, std::uint32_t>> checked_section(std::string_view all, std::string_view magic,
                                                                          std::string_view tree) {
  const auto size = section_end(all, magic);
  if (!size || all.size() < *size) return std::nullopt;
  if (tree.size() != kTreeHexSize || all.substr(magic.size(), kTreeHexSize) != tree) return std::nullopt;
  const std::string_view section = all.substr(kIndexHeaderSize, *size - kIndexHeaderSize);
  crypto::Sha256 hash;
  hash.update(all.substr(0, kIndexHeaderSize - 32));
  hash.update(section);
  const auto d = hash.finish().bytes();
  if (std::memcmp(d.data(), all.data() + kIndexHeaderSize - 32, d.size()) != 0) return std::nullopt;
  Reader header(all.substr(magic.size() + kTreeHexSize, 4));
  return std::pair(section, header.u32());
}

// The id part of a row's file name (`<ID>.yaml`), which list_order compares.
std::string_view id_part(std::string_view name) { return name.substr(0, name.size() - std::min<std::size_t>(name.size(), 5)); }

}  // namespace

std::string encode_index_folder(std::string_view tree, const std::vector<IndexEntryInput>& entries) {
  std::string section;
  std::string json;
  Writer w(section);
  for (const auto& e : entries) {
    w.text(e.name);
    w.text(e.blob);
    const core::RecordSummary& m = e.summary;
    IndexRow row;
    row.opened = m.opened.at;
    row.state = m.state;
    row.severity = m.severity;
    row.due = m.due;
    row.title = m.title;
    if (m.assignee) row.assignee = m.assignee->str();
    if (m.outcome) {
      row.decided = m.outcome->resolution;
      row.expires = m.outcome->expires;
    }
    row.review_due = m.review_due;
    row.review_done = m.review_done;
    write_fixed(w, row);
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
  std::string out = with_header(kMagic, tree, static_cast<std::uint32_t>(entries.size()), section, json.size());
  out += json;
  return out;
}

bool list_order(const IndexRow& a, const IndexRow& b) {
  return a.opened != b.opened ? a.opened < b.opened : id_part(a.name) < id_part(b.name);
}

std::string encode_index_table(std::string_view tree, std::vector<IndexRow> rows) {
  return encode_index_table(tree, IndexTable{}, [](const IndexRow&) { return false; }, std::move(rows));
}

std::string encode_index_table(std::string_view tree, const IndexTable& base,
                               const std::function<bool(const IndexRow&)>& keep, std::vector<IndexRow> added) {
  std::sort(added.begin(), added.end(), list_order);
  // Written in place: the header's counts and digest are filled in once the rows are written,
  // so a table of 100,000 rows is never copied.
  std::string out;
  out.reserve(kIndexHeaderSize + base.section_.size() + added.size() * 96);
  out.append(kTableMagic);
  out.append(tree);
  out.append(kIndexHeaderSize - out.size(), '\0');
  Writer w(out);
  std::uint32_t count = 0;
  const auto write = [&](const IndexRow& row) {
    w.text(row.folder);
    w.text(row.name);
    write_fixed(w, row);
    ++count;
  };
  auto next = added.begin();
  base.for_each([&](const IndexRow& row) {
    if (!keep(row)) return;
    for (; next != added.end() && list_order(*next, row); ++next) write(*next);
    write(row);
  });
  for (; next != added.end(); ++next) write(*next);
  std::string header;
  Writer h(header);
  h.u32(count);
  h.u64(out.size() - kIndexHeaderSize);
  out.replace(kTableMagic.size() + kTreeHexSize, header.size(), header);
  crypto::Sha256 hash;
  hash.update(std::string_view(out).substr(0, kIndexHeaderSize - 32));
  hash.update(std::string_view(out).substr(kIndexHeaderSize));
  const auto d = hash.finish().bytes();
  std::memcpy(out.data() + kIndexHeaderSize - 32, d.data(), d.size());
  return out;
}

namespace {

// Reads one table row at the reader's position; false when the bytes are not one.
bool read_row(Reader& r, IndexRow& row) {
  row.folder = r.text();
  row.name = r.text();
  return read_fixed(r, row);
}

}  // namespace

std::optional<IndexTable> IndexTable::parse(std::string_view bytes, std::string_view tree) {
  const auto checked = checked_section(bytes, kTableMagic, tree);
  if (!checked) return std::nullopt;
  const auto [section, count] = *checked;
  if (bytes.size() != kIndexHeaderSize + section.size()) return std::nullopt;  // nothing after the rows
  // Each row takes at least 31 bytes: the count cannot promise more rows than fit.
  if (static_cast<std::uint64_t>(count) * 31 > section.size()) return std::nullopt;
  Reader r(section);
  IndexRow previous;
  for (std::uint32_t i = 0; i < count; ++i) {
    IndexRow row;
    if (!read_row(r, row)) return std::nullopt;
    if (i > 0 && list_order(row, previous)) return std::nullopt;
    previous = row;
  }
  if (!r.at_end()) return std::nullopt;
  IndexTable table;
  table.section_ = section;
  table.count_ = count;
  return table;
}

IndexRow IndexTable::row_at(std::size_t& at) const {
  Reader r(section_.substr(at));
  IndexRow row;
  read_row(r, row);
  at += r.position();
  return row;
}

std::optional<std::uint64_t> index_summary_size(std::string_view header) { return section_end(header, kMagic); }

std::optional<std::uint64_t> index_table_size(std::string_view header) { return section_end(header, kTableMagic); }

std::optional<IndexFolder> IndexFolder::parse(std::string bytes, std::string_view tree) {
  IndexFolder folder;
  folder.bytes_ = std::move(bytes);
  const auto checked = checked_section(folder.bytes_, kMagic, tree);
  if (!checked) return std::nullopt;
  const auto [section, count] = *checked;
  folder.section_size_ = section.size();
  // Each entry takes at least 79 bytes: the count cannot promise more entries than fit.
  if (static_cast<std::uint64_t>(count) * 79 > section.size()) return std::nullopt;
  Reader r(section);
  folder.entries_.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Entry e;
    e.name = r.text();
    e.blob = r.text();
    if (!read_fixed(r, e)) return std::nullopt;
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
