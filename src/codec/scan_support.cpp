#include "scan_support.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "docket/codec/sarif.hpp"
#include "docket/core/display.hpp"
#include "docket/core/error.hpp"
#include "docket/core/secrets.hpp"
#include "docket/crypto/sha256.hpp"

namespace docket::codec::detail {
namespace {

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The end of the string whose opening quote is at `i` (one past the closing quote), or npos.
std::size_t skip_string(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') ++i;
    else if (text[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// The end of the value starting at `i` (npos when it never ends: the parser names that error).
std::size_t skip_value(std::string_view text, std::size_t i, std::string_view source) {
  if (text[i] == '"') return skip_string(text, i);
  if (text[i] != '{' && text[i] != '[') {
    while (i < text.size() && !json_space(text[i]) && text[i] != '{' && text[i] != '[' && text[i] != '"') ++i;
    return i;
  }
  int depth = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      i = skip_string(text, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (c == '{' || c == '[') {
      if (++depth > kMaxReportDepth)
        bad_report(source, "JSON nested deeper than " + std::to_string(kMaxReportDepth) + " levels",
                   "scanner reports are far shallower; this file is not a report docket reads");
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

// Decodes the UTF-8 sequence at `i` (valid UTF-8 assumed); returns its code point and length.
std::pair<std::uint32_t, std::size_t> decode(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return {lead, 1};
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (i + length > text.size()) return {0xFFFD, text.size() - i};
  std::uint32_t code = lead & (0xFFu >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
  return {code, length};
}

// Rule ids spell words with any separator: `aws-access-key`, `AWS Access Key`, `AwsCredentials`.
// Lower-case words separated by single spaces, with a space at each end.
std::string as_spaced_words(std::string_view text) {
  std::string out = " ";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c)) {
      if (out.back() != ' ') out += ' ';
      continue;
    }
    if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(text[i - 1])) && out.back() != ' ') out += ' ';
    out += static_cast<char>(std::tolower(c));
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

}  // namespace

void bad_report(std::string_view source, const std::string& what, std::string hint) {
  throw Error(ExitCode::usage, std::string(source) + ": " + what, std::move(hint));
}

std::vector<std::string_view> top_level_json_values(std::string_view text, std::string_view source) {
  if (text.size() > kMaxReportBytes)
    bad_report(source, "the report is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(kMaxReportBytes) + " bytes",
               "split the scan into several reports");
  std::vector<std::string_view> values;
  std::size_t i = 0;
  // A UTF-8 byte-order mark (some Windows tools write one) is skipped, as JSON parsers may
  // (RFC 8259 §8.1); nlohmann's parser skips it too. UTF-16 and UTF-32 are not read.
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;
  else if (text.starts_with("\xFE\xFF") || text.starts_with("\xFF\xFE") || text.starts_with(std::string_view("\0\0\xFE\xFF", 4)))
    bad_report(source, "is UTF-16 or UTF-32 text (it starts with a byte-order mark); docket reads UTF-8 reports",
               "convert it first, e.g. iconv -f UTF-16 -t UTF-8 REPORT > REPORT.utf8.json");
  // Text that does not even start like JSON is named as such, not as "2 JSON values".
  {
    std::size_t first = i;
    while (first < text.size() && json_space(text[first])) ++first;
    if (first < text.size() && text[first] != '{' && text[first] != '[') {
      std::string_view start = text.substr(first, 40);
      start = start.substr(0, start.find_first_of("\r\n"));
      bad_report(source, "is not JSON: it starts with \"" + core::display_line(start) + "\"",
                 "give the scanner's JSON report (for SARIF, e.g. gitleaks --report-format sarif)");
    }
  }
  while (true) {
    while (i < text.size() && json_space(text[i])) ++i;
    if (i >= text.size()) break;
    const std::size_t end = skip_value(text, i, source);
    if (end == std::string_view::npos) {
      values.push_back(text.substr(i));
      break;
    }
    values.push_back(text.substr(i, end - i));
    i = end;
  }
  return values;
}

json parse_json_value(std::string_view text, std::string_view source, std::string_view format) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    // `[json.exception.parse_error.101] parse error at line 3, column 5: …` reads better without the tag.
    if (const auto tag_end = what.find("] "); what.starts_with("[json.") && tag_end != std::string::npos)
      what = what.substr(tag_end + 2);
    bad_report(source, "not valid JSON: " + what, "check that the file is a complete " + std::string(format));
  }
}

json parse_report_document(std::string_view text, std::string_view source, std::string_view format, const std::string& hint) {
  const auto values = top_level_json_values(text, source);
  if (values.empty()) bad_report(source, "is empty, not " + std::string(format), hint);
  if (values.size() > 1)
    bad_report(source, "holds " + std::to_string(values.size()) + " JSON values, not one " + std::string(format), hint);
  return parse_json_value(text, source, format);
}

namespace {

// The first element of a list when it is an object (the shape list formats are told apart by).
const json* first_object(const json& value) {
  if (!value.is_array() || value.empty() || !value.front().is_object()) return nullptr;
  return &value.front();
}

}  // namespace

std::optional<KnownFormat> recognise_report(const json& value) {
  if (value.is_object()) {
    if (value.contains("runs") || (value.contains("version") && value.contains("$schema"))) return KnownFormat{"a SARIF log", "sarif"};
    if (value.contains("SchemaVersion") && (value.contains("Results") || value.contains("ArtifactName")))
      return KnownFormat{"a trivy JSON report", "trivy"};
    if (value.contains("findings") && value["findings"].is_array()) {
      const json* first = first_object(value["findings"]);
      if (!first || first->contains("findingType") || first->contains("resourceOwnerAccount"))
        return KnownFormat{"an Access Analyzer findings list", "access-analyzer"};
    }
    if (value.contains("DetectorName")) return KnownFormat{"trufflehog JSON output", "trufflehog"};
    if (value.contains("finding_info") && value.contains("status_code")) return KnownFormat{"a Prowler OCSF finding", "prowler"};
    if (value.contains("secret_type") && value.contains("number"))
      return KnownFormat{"a GitHub secret scanning alert", "github-secret-scanning"};
    return std::nullopt;
  }
  const json* first = first_object(value);
  if (!first) return std::nullopt;
  if (first->contains("RuleID") && (first->contains("File") || first->contains("StartLine")))
    return KnownFormat{"a gitleaks JSON report", "gitleaks"};
  if (first->contains("finding_info") || (first->contains("class_uid") && first->contains("status_code")))
    return KnownFormat{"a Prowler OCSF report", "prowler"};
  if (first->contains("secret_type") && first->contains("number"))
    return KnownFormat{"a GitHub secret scanning alerts list", "github-secret-scanning"};
  if (first->contains("DetectorName")) return KnownFormat{"trufflehog JSON output", "trufflehog"};
  return std::nullopt;
}

void refuse_other_format(std::string_view source, const json& value, std::string_view command, std::string_view expected) {
  const auto known = recognise_report(value);
  if (!known || known->command == command) return;
  bad_report(source, "is " + std::string(known->name) + ", not " + std::string(expected),
             "use `docket ingest " + std::string(known->command) + "` for it");
}

void JsonReader::fail(const std::string& path, const std::string& what, std::string hint) const {
  bad_report(source_, path + ": " + what, std::move(hint));
}

const json* JsonReader::member(const json& object, const char* key) const {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* JsonReader::object(const json& object, const char* key, const std::string& path) const {
  const json* value = member(object, key);
  if (value && !value->is_object()) fail(path + "." + key, "is not an object");
  return value;
}

const json* JsonReader::array(const json& object, const char* key, const std::string& path) const {
  const json* value = member(object, key);
  if (value && !value->is_array()) fail(path + "." + key, "is not a list");
  return value;
}

std::optional<std::string> JsonReader::string(const json& object, const char* key, const std::string& path) const {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (!value->is_string()) fail(path + "." + key, "is not a string");
  return value->get<std::string>();
}

std::optional<std::int64_t> JsonReader::integer(const json& object, const char* key, const std::string& path) const {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (!value->is_number_integer()) fail(path + "." + key, "is not an integer");
  return value->get<std::int64_t>();
}

std::optional<bool> JsonReader::boolean(const json& object, const char* key, const std::string& path) const {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) fail(path + "." + key, "is not true or false");
  return value->get<bool>();
}

std::optional<Severity> JsonReader::severity(const json& object, const char* key, const std::string& path) const {
  const auto name = string(object, key, path);
  if (!name) return std::nullopt;
  const std::string value = lower(*name);
  if (value == "critical" || value == "fatal") return Severity::critical;
  if (value == "high") return Severity::high;
  if (value == "medium" || value == "moderate") return Severity::medium;
  if (value == "low" || value == "informational" || value == "info") return Severity::low;
  if (value.empty() || value == "unknown" || value == "other" || value == "none") return std::nullopt;
  fail(path + "." + key, "'" + stored_text(*name, 40) + "' is not a severity docket knows",
       "expected critical, high, medium, low, informational or unknown");
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto [code, length] = decode(text, i);
    if (code == '\n' || code == '\r' || code == 0x85 || code == 0x2028 || code == 0x2029) {
      if (!out.empty()) break;  // the first line only
      i += length;
      continue;
    }
    const bool control = code < 0x20 || code == 0x7F || (code >= 0x80 && code <= 0x9F);
    if (control || code == ' ') {
      pending_space = !out.empty();
      i += length;
      continue;
    }
    const std::size_t need = length + (pending_space ? 1 : 0);
    if (out.size() + need > max_bytes) {
      // Cut at a character boundary and say so.
      while (!out.empty() && out.size() + 3 > max_bytes) {
        std::size_t last = out.size() - 1;
        while (last > 0 && (static_cast<unsigned char>(out[last]) & 0xC0) == 0x80) --last;
        out.resize(last);
      }
      out += "...";
      return out;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string stored_text(std::string_view raw, std::size_t max_bytes) {
  // Scanned whole before it is cut: a cut would keep the start of a secret and hide the rest.
  return one_line(withhold_secrets(std::string(raw)), max_bytes);
}

std::string tool_name(std::string_view raw) { return lower(stored_text(raw, 80)); }

std::string withhold_secrets(std::string text) {
  if (const auto secret = find_secret(text)) return "[withheld: looks like a secret, " + secret->kind + "]";
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string fingerprint_of(std::initializer_list<std::string_view> parts) {
  crypto::Sha256 hash;
  for (const auto part : parts) {
    hash.update(std::to_string(part.size()) + ":");
    hash.update(part);
  }
  return hash.finish().str();
}

bool is_secret_scanner(std::string_view tool) {
  static constexpr std::array<std::string_view, 8> scanners{"gitleaks", "trufflehog", "detect-secrets", "ggshield",
                                                            "gitguardian", "secretlint", "noseyparker", "talisman"};
  const std::string name = lower(tool);
  return std::any_of(scanners.begin(), scanners.end(), [&](std::string_view s) { return name.find(s) != std::string::npos; });
}

bool describes_secret(std::string_view text) {
  static constexpr std::array<std::string_view, 12> words{
      " secret",      " token",      " password",  " passwd",     " credential", " private key",
      " privatekey",  " api key",    " apikey",    " access key", " accesskey",  " pat "};
  const std::string spaced = as_spaced_words(text);
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return spaced.find(w) != std::string::npos; });
}

std::string stored_tool(std::string_view tool) { return stored_text(tool, 80); }

std::string location_fingerprint(std::string_view tool, std::string_view rule, std::string_view location) {
  return fingerprint_of({"docket-finding/v1", "location", tool, rule, location});
}

core::ScanFinding make_finding(std::string tool, std::string rule, std::optional<Severity> severity, std::string message,
                               std::string location, std::string fingerprint, bool secret) {
  core::ScanFinding f;
  // The fingerprint is computed from the values as reported; what is stored is cleaned.
  f.fingerprint = fingerprint.empty() ? location_fingerprint(tool, rule, location) : std::move(fingerprint);
  f.tool = stored_tool(tool);
  f.rule = stored_text(rule, 120);
  if (f.rule.empty()) f.rule = "unknown";
  f.location = stored_text(location, 300);
  f.message = stored_text(message, 200);
  f.severity = severity;
  f.secret = secret;
  return f;
}

void FindingCollector::add(core::ScanFinding finding) {
  if (!seen_.insert(finding.fingerprint).second) {
    ++report.duplicates;
    return;
  }
  report.findings.push_back(std::move(finding));
}

}  // namespace docket::codec::detail
