#include "yaml_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "docket/core/administration.hpp"
#include "docket/core/error.hpp"
#include "docket/core/suggest.hpp"
#include "docket/core/time.hpp"

namespace docket::codec::detail {
namespace {

constexpr std::array kSeverities{Severity::critical, Severity::high, Severity::medium, Severity::low};
constexpr std::array kStates{State::open,        State::triaged,          State::investigating,
                             State::remediating, State::pending_approval, State::accepted,
                             State::closed};
constexpr std::array kResolutions{Resolution::remediated, Resolution::accepted, Resolution::rejected,
                                  Resolution::revoked};
constexpr std::array kRoles{Role::admin, Role::approver, Role::responder, Role::reporter};
constexpr std::array kDecisions{Decision::approve, Decision::deny};

template <typename Range>
std::string join(const Range& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

template <typename E, std::size_t N>
E one_of(const Field& field, std::optional<E> (*parse)(std::string_view), const std::array<E, N>& all) {
  const std::string& text = field.text();
  if (const auto value = parse(text)) return *value;
  std::array<std::string_view, N> names;
  std::transform(all.begin(), all.end(), names.begin(), [](E e) { return to_string(e); });
  field.fail("expected one of " + join(names) + ", got '" + text + "'", "write one of: " + join(names));
}

std::string unknown_key_hint(std::string_view key, const std::vector<std::string_view>& allowed) {
  if (const auto guess = closest_match(key, std::vector<std::string>(allowed.begin(), allowed.end())))
    return "did you mean '" + *guess + "'?";
  return "known fields here: " + join(allowed);
}

}  // namespace

void Field::fail(std::string_view what, std::string hint) const {
  throw_field_error(document_->source, node_->line, path_, what, std::move(hint));
}

const YamlNode& Field::expect(YamlNode::Kind kind, std::string_view hint) const {
  if (node_->kind != kind)
    fail("expected " + std::string(describe(kind)) + ", got " + std::string(describe(node_->kind)), std::string(hint));
  return *node_;
}

const std::string& Field::text() const {
  return expect(YamlNode::Kind::scalar, "write a single value on the same line as the key").scalar;
}

Timestamp Field::timestamp() const {
  const std::string& value = text();
  if (const auto t = parse_rfc3339(value)) {
    // Only the times docket writes (core/time.hpp): a date before 1970 (or past 9999 through an
    // offset) was not written by docket.
    if (!in_time_range(*t))
      fail("'" + value + "' is outside 1970-01-01 .. 9999-12-31, the times docket writes", "write a time in that range");
    return *t;
  }
  fail("'" + value + "' is not an RFC 3339 time", "write times in UTC like 2026-11-23T10:00:00Z");
}

Duration Field::duration() const {
  const std::string& value = text();
  if (const auto d = parse_duration(value)) return *d;
  fail("'" + value + "' is not a duration", "write durations like 24h, 3d, 2w or 1d12h");
}

Email Field::email() const {
  const std::string& value = text();
  if (auto e = Email::parse(value)) return *e;
  fail("'" + value + "' is not an e-mail address", "write a plain address like alice@example.com");
}

ExceptionId Field::exception_id() const {
  const std::string& value = text();
  if (auto id = ExceptionId::parse(value)) return *id;
  fail("'" + value + "' is not an exception id", "ids look like EX-7F3A9C2KQD");
}

Sha256Digest Field::digest() const {
  const std::string& value = text();
  // Canonical files always carry the prefix; a bare hex string is probably something else.
  if (value.starts_with("sha256:"))
    if (const auto d = Sha256Digest::parse(value)) return *d;
  fail("'" + value + "' is not a SHA-256 digest", "write digests as sha256: followed by 64 hex digits");
}

std::string Field::name() const {
  const std::string& value = text();
  if (!core::valid_name(value))
    fail("'" + value + "' is not a valid name",
         "use up to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
  return value;
}

std::uint64_t Field::byte_count() const {
  const std::string& value = text();
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || error != std::errc{} || end != value.data() + value.size())
    fail("'" + value + "' is not a size in bytes", "write a whole number of bytes, like 1234");
  return n;
}

int Field::integer(int minimum, int maximum) const {
  const std::string& value = text();
  int n = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || error != std::errc{} || end != value.data() + value.size() || n < minimum || n > maximum)
    fail("'" + value + "' is not a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum),
         "write a whole number in that range");
  return n;
}

Severity Field::severity() const { return one_of(*this, parse_severity, kSeverities); }
State Field::state() const { return one_of(*this, parse_state, kStates); }
Resolution Field::resolution() const { return one_of(*this, parse_resolution, kResolutions); }
Role Field::role() const { return one_of(*this, parse_role, kRoles); }
Decision Field::decision() const { return one_of(*this, parse_decision, kDecisions); }

bool Field::evidence_required() const {
  const std::string& value = text();
  if (value == "required") return true;
  if (value == "none") return false;
  fail("expected one of required, none, got '" + value + "'", "write one of: required, none");
}

std::vector<Field> Field::items() const {
  if (node_->kind == YamlNode::Kind::null) return {};
  const YamlNode& list = expect(YamlNode::Kind::sequence, "write a list, one '- item' per line");
  std::vector<Field> out;
  out.reserve(list.items.size());
  for (std::size_t i = 0; i < list.items.size(); ++i)
    out.emplace_back(*document_, list.items[i], path_ + "[" + std::to_string(i) + "]");
  return out;
}

FieldMap Field::fields(std::initializer_list<std::string_view> allowed) const {
  expect(YamlNode::Kind::mapping, "write 'key: value' lines indented under the field");
  return FieldMap(*document_, *node_, path_, allowed);
}

std::vector<std::pair<std::string, Field>> Field::entries() const {
  if (node_->kind == YamlNode::Kind::null) return {};
  const YamlNode& map = expect(YamlNode::Kind::mapping, "write 'key: value' lines indented under the field");
  std::vector<std::pair<std::string, Field>> out;
  out.reserve(map.entries.size());
  for (const YamlEntry& entry : map.entries)
    out.emplace_back(entry.key, Field(*document_, entry.value, path_ + "." + entry.key));
  return out;
}

FieldMap::FieldMap(const YamlDocument& document, const YamlNode& node, std::string path,
                   std::initializer_list<std::string_view> allowed)
    : document_(&document), node_(&node), path_(std::move(path)), allowed_(allowed) {
  for (const YamlEntry& entry : node.entries)
    if (std::find(allowed_.begin(), allowed_.end(), entry.key) == allowed_.end())
      throw_field_error(document.source, entry.line, child_path(entry.key), "unknown field",
                        unknown_key_hint(entry.key, allowed_));
}

std::string FieldMap::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const YamlEntry* FieldMap::find(std::string_view key) const {
  // A key the schema does not list is a bug in the codec, not in the file.
  if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end())
    throw Error(ExitCode::internal, "codec asked for undeclared field '" + child_path(key) + "'");
  const auto it = std::find_if(node_->entries.begin(), node_->entries.end(),
                               [&](const YamlEntry& entry) { return entry.key == key; });
  return it == node_->entries.end() ? nullptr : &*it;
}

std::optional<Field> FieldMap::optional(std::string_view key) const {
  const YamlEntry* entry = find(key);
  if (!entry || entry->value.kind == YamlNode::Kind::null) return std::nullopt;
  return Field(*document_, entry->value, child_path(key));
}

Field FieldMap::required(std::string_view key) const {
  const YamlEntry* entry = find(key);
  if (!entry)
    throw_field_error(
        document_->source, node_->line, child_path(key), "missing",
        "add '" + std::string(key) + ":' " + (path_.empty() ? "at the top level" : "under '" + path_ + "'"));
  if (entry->value.kind == YamlNode::Kind::null)
    throw_field_error(document_->source, entry->line, child_path(key), "has no value",
                      "give '" + std::string(key) + "' a value");
  return Field(*document_, entry->value, child_path(key));
}

std::string FieldMap::text_or_empty(std::string_view key) const {
  const auto field = optional(key);
  return field ? field->text() : std::string();
}

FieldMap top_level_fields(const YamlDocument& document, std::string_view what,
                          std::initializer_list<std::string_view> allowed) {
  if (document.root.kind != YamlNode::Kind::mapping)
    throw_at(document.source, document.root.line,
             "expected " + std::string(what) + " (a YAML mapping), got " + std::string(describe(document.root.kind)),
             "the file should start with 'key: value' lines");
  return FieldMap(document, document.root, "", allowed);
}

}  // namespace docket::codec::detail
