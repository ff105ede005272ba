#include "scan_support.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iconv.h>

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

// A line of a report quoted in a message (messages reach CI logs): the whole line scanned for a
// secret first — withheld when it holds one — then its first 40 bytes, escaped.
std::string quoted(std::string_view line) {
  if (const auto secret = find_secret(line)) return "[withheld: looks like a secret, " + secret->kind + "]";
  std::string_view start = line.substr(0, 40);
  while (!start.empty() && (static_cast<unsigned char>(start.back()) & 0xC0) == 0x80) start.remove_suffix(1);
  if (!start.empty() && static_cast<unsigned char>(start.back()) >= 0xC0) start.remove_suffix(1);
  return core::display_line(start) + (start.size() < line.size() ? "..." : "");
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

std::vector<std::string_view> top_level_json_values(std::string_view text, std::string_view source,
                                                    const std::function<bool(std::string_view line)>& log_line,
                                                    std::size_t* skipped) {
  if (text.size() > kMaxReportBytes)
    bad_report(source, "the report is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(kMaxReportBytes) + " bytes",
               "split the scan into several reports");
  std::vector<std::string_view> values;
  std::size_t i = 0;
  // A UTF-8 byte-order mark (some Windows tools write one) is skipped, as JSON parsers may
  // (RFC 8259 §8.1); nlohmann's parser skips it too. UTF-16 and UTF-32 are decoded before
  // (decoded_unicode); one that reaches here was not.
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;
  else if (text.starts_with("\xFE\xFF") || text.starts_with("\xFF\xFE") || text.starts_with(std::string_view("\0\0\xFE\xFF", 4)))
    bad_report(source, "is UTF-16 or UTF-32 text (it starts with a byte-order mark); docket reads UTF-8 reports",
               "convert it first, e.g. iconv -f UTF-16 -t UTF-8 REPORT > REPORT.utf8.json");
  // Text that does not even start like JSON is named as such, not as "2 JSON values".
  if (!log_line) {
    std::size_t first = i;
    while (first < text.size() && json_space(text[first])) ++first;
    if (first < text.size() && text[first] != '{' && text[first] != '[') {
      const std::string_view line = text.substr(first, text.find_first_of("\r\n", first) - first);
      bad_report(source, "is not JSON: it starts with \"" + quoted(line) + "\"",
                 "give the scanner's JSON report (for SARIF, e.g. gitleaks --report-format sarif)");
    }
  }
  while (true) {
    while (i < text.size() && json_space(text[i])) ++i;
    if (i >= text.size()) break;
    if (log_line && text[i] != '{' && text[i] != '[') {
      const std::size_t eol = std::min(text.find('\n', i), text.size());
      const std::string_view line = text.substr(i, eol - i);
      if (!log_line(line)) {
        // Lines are counted only for the message.
        const auto line_number = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(i), '\n');
        bad_report(source, "line " + std::to_string(line_number) + " is neither JSON nor a line of the scanner's log: \"" +
                               quoted(line) + "\"",
                   "give the scanner's JSON output; its log lines may be mixed in, other text may not");
      }
      if (skipped) ++*skipped;
      i = eol;
      continue;
    }
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

void several_values(const std::vector<std::string_view>& values, std::string_view source, std::string_view expected) {
  // What the first value is tells what the file probably is.
  json first;
  try {
    first = json::parse(values.front());
  } catch (const json::exception&) {
  }
  const std::string count = std::to_string(values.size());
  if (first.is_object() && first.contains("DetectorName"))
    bad_report(source, "is trufflehog's JSON lines (" + count + " objects), not the report this command reads",
               "use `docket ingest trufflehog` for it");
  if (first.is_object() && first.contains("runs"))
    bad_report(source, "holds " + count + " SARIF logs one after another; " + std::string(expected),
               "give each log as its own FILE (docket ingest sarif A.sarif B.sarif)");
  if (first.is_array())
    bad_report(source, "holds " + count + " JSON lists one after another; " + std::string(expected),
               "give each report as its own FILE");
  bad_report(source, "holds " + count + " JSON values one after another (JSON lines?); " + std::string(expected),
             "check that the file is the scanner's report, written once");
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
  const auto decoded = decoded_unicode(text, source);
  if (decoded) text = *decoded;
  const auto values = top_level_json_values(text, source);
  if (values.empty()) bad_report(source, "is empty, not " + std::string(format), hint);
  if (values.size() > 1) several_values(values, source, std::string(format) + " is one JSON document");
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

namespace {

template <typename Parts>
std::string hash_parts(const Parts& parts) {
  crypto::Sha256 hash;
  for (const std::string_view part : parts) {
    hash.update(std::to_string(part.size()) + ":");
    hash.update(part);
  }
  return hash.finish().str();
}

}  // namespace

std::string fingerprint_of(std::initializer_list<std::string_view> parts) { return hash_parts(parts); }
std::string fingerprint_of(const std::vector<std::string>& parts) { return hash_parts(parts); }

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
  // A location storage had to change (a line break, a control, leading spaces, a cut) no longer
  // names the scanner's file: marked, so that no export suppresses a file by it. At most 300 bytes.
  constexpr std::string_view kChanged = "[changed] ";
  f.location = stored_text(location, 300);
  if (f.location != location && !f.location.empty() && !f.location.starts_with('['))
    f.location = std::string(kChanged) + stored_text(location, 300 - kChanged.size());
  f.message = stored_text(message, 200);
  f.severity = severity;
  f.secret = secret;
  return f;
}

std::optional<std::string> decoded_unicode(std::string_view text, std::string_view source) {
  // The UTF-32 marks first: UTF-32LE's starts with UTF-16LE's.
  const char* from = nullptr;
  if (text.starts_with(std::string_view("\xFF\xFE\0\0", 4)) || text.starts_with(std::string_view("\0\0\xFE\xFF", 4)))
    from = "UTF-32";
  else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF"))
    from = "UTF-16";
  if (!from) return std::nullopt;
  // iconv's "UTF-16" and "UTF-32" read the byte-order mark and decode in its byte order.
  struct Iconv {
    iconv_t cd;
    explicit Iconv(const char* f) : cd(::iconv_open("UTF-8", f)) {}
    ~Iconv() {
      if (cd != reinterpret_cast<iconv_t>(-1)) ::iconv_close(cd);
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;
  } conv(from);
  if (conv.cd == reinterpret_cast<iconv_t>(-1))
    bad_report(source, std::string("is ") + from + " text and this system cannot decode " + from,
               "convert it first, e.g. iconv -f " + std::string(from) + " -t UTF-8 REPORT > REPORT.utf8.json");
  // UTF-16 needs at most 3 bytes of UTF-8 for 2 bytes in, UTF-32 at most 4 for 4.
  if (text.size() > kMaxReportBytes) return std::nullopt;  // top_level_json_values names the size
  std::string in(text);
  std::string out(in.size() * 2 + 16, '\0');
  char* src = in.data();
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  if (::iconv(conv.cd, &src, &src_left, &dst, &dst_left) == static_cast<std::size_t>(-1))
    bad_report(source,
               std::string("is ") + from + " text (it starts with a byte-order mark) that does not decode at byte " +
                   std::to_string(in.size() - src_left),
               "check that the file was written whole");
  out.resize(out.size() - dst_left);
  return out;
}

void warn(core::ScanReport& report, std::string what) {
  constexpr std::size_t kMaxWarnings = 10;
  if (report.warnings.size() < kMaxWarnings) report.warnings.push_back(std::move(what));
  else if (report.warnings.size() == kMaxWarnings) report.warnings.push_back("more warnings of this run are left out");
}

void FindingCollector::add(core::ScanFinding finding) {
  if (!seen_.insert(finding.fingerprint).second) {
    ++report.duplicates;
    return;
  }
  report.findings.push_back(std::move(finding));
}

}  // namespace docket::codec::detail

namespace docket::codec {
namespace {

// `path` relative to `root` when it lies under it (`root` has no trailing `/`; `/` is "").
std::optional<std::string> under(std::string_view path, std::string_view root) {
  while (root.ends_with('/')) root.remove_suffix(1);
  if (path.size() <= root.size() + 1 || !path.starts_with(root) || path[root.size()] != '/') return std::nullopt;
  return std::string(path.substr(root.size() + 1));
}

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

namespace {

bool windows_absolute(std::string_view path) {
  return path.size() >= 3 && ascii_letter(path[0]) && path[1] == ':' && (path[2] == '/' || path[2] == '\\');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1 percent-decoding; the text as it is when a %XX is malformed or the result is
// not UTF-8 without controls (then the escapes are kept rather than guessed at).
std::string percent_decoded(const std::string& text) {
  if (text.find('%') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) return text;
    out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
    i += 2;
  }
  if (core::display_line(out) != out) return text;  // malformed UTF-8, controls, bidi: keep the escapes
  return out;
}

}  // namespace

std::string normal_path(std::string_view reported, PathForm form) {
  std::string path(reported);
  if (detail::lower(path.substr(0, 5)) == "file:") {
    // RFC 8089: `file:///p` and `file://host/p` (the host is not part of the path), `file:/p`.
    path.erase(0, 5);
    if (path.starts_with("//")) {
      path.erase(0, 2);
      const auto slash = path.find('/');
      path = slash == std::string::npos ? std::string{} : path.substr(slash);
    }
    form = PathForm::uri;
  }
  if (form == PathForm::uri) path = percent_decoded(path);
  // `/C:/work/x` (from `file:///C:/work/x`) names the Windows path `C:/work/x`.
  if (path.size() >= 4 && path[0] == '/' && windows_absolute(std::string_view(path).substr(1))) path.erase(0, 1);
  const bool windows = windows_absolute(path);
  if (windows) {
    std::replace(path.begin(), path.end(), '\\', '/');
    path[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(path[0])));
  }
  // Lexical normalisation of `/`-separated segments.
  const bool rooted = path.starts_with('/');
  std::string prefix = rooted ? "/" : "";
  std::string_view rest(path);
  if (windows) {
    prefix = path.substr(0, 3);
    rest.remove_prefix(3);
  }
  std::vector<std::string_view> segments;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty() && segments.back() != "..") segments.pop_back();
      else if (prefix.empty()) segments.push_back(segment);  // a relative path may start above its base
      continue;                                            // never above the root
    }
    segments.push_back(segment);
  }
  std::string out = prefix;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out.append(segments[i]);
  }
  return out;
}

std::string checkout_relative(std::string_view reported, const ScanOptions& options, PathForm form, bool* left_absolute) {
  std::string path = normal_path(reported, form);
  if (path.starts_with('/') || windows_absolute(path)) {
    for (const auto& base : options.bases)
      if (auto relative = under(path, normal_path(base, PathForm::plain))) return *relative;
    if (options.bases.empty() && options.checkout_root && path.starts_with('/'))
      if (const auto root = options.checkout_root(path))
        if (auto relative = under(path, *root)) return *relative;
    if (left_absolute) *left_absolute = true;
  }
  return path;
}

}  // namespace docket::codec
