#include "yaml_writer.hpp"

#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <array>

#include "docket/core/error.hpp"
#include "docket/core/time.hpp"
#include "yaml_document.hpp"

namespace docket::codec::detail {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Characters yaml-cpp would write raw but other YAML readers refuse (DEL, C1 controls), read as
// line breaks (NEL, U+2028, U+2029) or may drop (a byte order mark), and the bidirectional
// controls that make a diff show text in another order than it is stored ("Trojan Source"):
// all are written as escapes. `text` is valid UTF-8.
bool has_characters_to_escape(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      if (lead == 0x7F) return true;
      ++i;
      continue;
    }
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    std::uint32_t code = lead & (0xFFu >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    if ((code >= 0x80 && code <= 0x9F) || code == 0x2028 || code == 0x2029 || code == 0xFEFF) return true;
    if (code == 0x061C || code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
        (code >= 0x2066 && code <= 0x2069))
      return true;
    i += length;
  }
  return false;
}

// C0 controls, tab, CR and LF included. yaml-cpp may write a tab or a CR raw in a plain or
// single-quoted scalar, where YAML folds or strips it (a trailing CR would be lost): such text is
// always double-quoted, with `\t`, `\r`, `\n`, `\0`, `\x01` … escapes.
bool has_c0_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// The longest key written as `key: value`: quoted and fully escaped, still within YAML's 1024.
constexpr std::size_t kMaxImplicitKeyBytes = 255;

}  // namespace

bool reads_as_another_type(std::string_view text) {
  if (text.empty()) return true;
  // YAML 1.1 booleans and nulls (PyYAML still reads `on` and `no` as booleans), and merge keys.
  static constexpr std::array<std::string_view, 16> keywords{
      "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan", "<<", "="};
  if (text.size() <= 6 && std::find(keywords.begin(), keywords.end(), lowercase(text)) != keywords.end()) return true;
  // Anything that starts like a number may be one in some schema (ints, floats, octal, hex,
  // sexagesimal `1:30`, dates): quoting costs two characters and removes the doubt.
  if (is_digit(text.front())) return true;
  if ((text.front() == '-' || text.front() == '+' || text.front() == '.') && text.size() > 1 &&
      (is_digit(text[1]) || text[1] == '.'))
    return true;
  return false;
}

CanonicalWriter::CanonicalWriter() {
  out_.SetIndent(2);
  out_.SetMapFormat(YAML::Block);
  out_.SetSeqFormat(YAML::Block);
}

void CanonicalWriter::begin_map() { out_ << YAML::BeginMap; }
void CanonicalWriter::end_map() { out_ << YAML::EndMap; }
void CanonicalWriter::begin_list() { out_ << YAML::BeginSeq; }
void CanonicalWriter::end_list() { out_ << YAML::EndSeq; }
void CanonicalWriter::empty_list() { out_ << YAML::Flow << YAML::BeginSeq << YAML::EndSeq; }

void CanonicalWriter::key(std::string_view schema_key) {
  last_key_ = schema_key;
  out_ << YAML::Key << std::string(schema_key) << YAML::Value;
}

void CanonicalWriter::text_key(std::string_view key) {
  last_key_ = key;
  // YAML allows a key on its value's line (`key: value`) only up to 1024 characters, and an
  // escaped byte takes at most 4 (`\x01`): longer keys are written as explicit `? key` keys.
  if (key.size() > kMaxImplicitKeyBytes) out_ << YAML::LongKey;
  out_ << YAML::Key;
  text(key);
  out_ << YAML::Value;
}

void CanonicalWriter::text(std::string_view value) {
  // yaml-cpp copies invalid bytes through, which would make a file no YAML reader accepts.
  if (find_invalid_text(value) != std::string_view::npos)
    throw Error(ExitCode::usage, "cannot write field '" + last_key_ + "': text is not valid UTF-8",
                "pass text encoded as UTF-8");
  if (has_characters_to_escape(value)) {
    // Escaping every non-ASCII character of this one value is the only way yaml-cpp escapes these.
    out_ << YAML::EscapeNonAscii << YAML::DoubleQuoted;
  } else if (has_c0_control(value) || reads_as_another_type(value)) {
    out_ << YAML::DoubleQuoted;
  }
  out_ << std::string(value);
}

void CanonicalWriter::plain(std::string_view value) { out_ << std::string(value); }
void CanonicalWriter::number(std::uint64_t value) { out_ << value; }
void CanonicalWriter::number(int value) { out_ << value; }

void CanonicalWriter::text_field(std::string_view schema_key, std::string_view value) {
  key(schema_key);
  text(value);
}

void CanonicalWriter::text_field_unless_empty(std::string_view schema_key, std::string_view value) {
  if (!value.empty()) text_field(schema_key, value);
}

void CanonicalWriter::plain_field(std::string_view schema_key, std::string_view value) {
  key(schema_key);
  plain(value);
}

void CanonicalWriter::time_field(std::string_view schema_key, Timestamp value) {
  plain_field(schema_key, format_rfc3339(value));
}

void CanonicalWriter::time_field_if_set(std::string_view schema_key, const std::optional<Timestamp>& value) {
  if (value) time_field(schema_key, *value);
}

void CanonicalWriter::duration_field(std::string_view schema_key, Duration value) {
  plain_field(schema_key, format_duration(value));
}

void CanonicalWriter::email_field(std::string_view schema_key, const Email& value) {
  text_field(schema_key, value.str());
}

void CanonicalWriter::text_list_unless_empty(std::string_view schema_key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  key(schema_key);
  begin_list();
  for (const auto& value : values) text(value);
  end_list();
}

void CanonicalWriter::email_list_unless_empty(std::string_view schema_key, const std::vector<Email>& values) {
  if (values.empty()) return;
  key(schema_key);
  begin_list();
  for (const auto& value : values) text(value.str());
  end_list();
}

std::string CanonicalWriter::finish() {
  if (!out_.good()) throw Error(ExitCode::internal, "YAML emitter failed: " + out_.GetLastError());
  std::string document(out_.c_str(), out_.size());
  document += '\n';
  return document;
}

}  // namespace docket::codec::detail
