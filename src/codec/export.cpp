#include "docket/codec/export.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

#include "docket/core/time.hpp"
#include "scan_support.hpp"
#include "yaml_writer.hpp"

namespace docket::codec {
namespace {

using nlohmann::json;

constexpr std::array<ExportFormat, 3> kFormats{ExportFormat::sarif, ExportFormat::trivyignore, ExportFormat::gitleaksignore};

std::string left_out(const core::Suppression& s, std::string_view why) { return s.id.str() + ": " + std::string(why); }

// --- SARIF -----------------------------------------------------------------------------------

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 3986 `unreserved`, `sub-delims` and `@`: what a path segment holds as is (`:` aside).
bool segment_character(char c) {
  if (is_alpha(c) || is_digit(c)) return true;
  constexpr std::string_view kOthers = "-._~!$&'()*+,;=@";
  return kOthers.find(c) != std::string_view::npos;
}

// The length of a leading `scheme://` (RFC 3986: a letter, then letters, digits, `+`, `-`,
// `.`), or 0.
std::size_t scheme_prefix(std::string_view path) {
  if (path.empty() || !is_alpha(path.front())) return 0;
  std::size_t i = 1;
  while (i < path.size() && (is_alpha(path[i]) || is_digit(path[i]) || path[i] == '+' || path[i] == '-' || path[i] == '.')) ++i;
  return path.substr(i, 3) == "://" ? i + 3 : 0;
}

// `path` as a URI reference (RFC 3986) for `artifactLocation.uri`: a leading `scheme://` kept,
// `/` and segment characters kept, `%XX` escapes already there kept, `:` kept after the first
// segment (before it, it would read as a scheme), everything else — spaces, `\`, `?`, `#`,
// controls, non-ASCII bytes — percent-encoded.
std::string uri_reference(std::string_view path) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  const std::size_t prefix = scheme_prefix(path);
  std::string out(path.substr(0, prefix));
  bool first_segment = prefix == 0;
  for (std::size_t i = prefix; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '/') {
      first_segment = false;
      out += c;
    } else if (segment_character(c) || (c == ':' && !first_segment) ||
               (c == '%' && i + 2 < path.size() && is_hex(path[i + 1]) && is_hex(path[i + 2]))) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

json sarif_result(const core::Suppression& s) {
  json approvers = json::array();
  for (const auto& a : s.approvers) approvers.push_back({{"email", a.by.str()}, {"at", format_rfc3339(a.at)}});
  const std::string decision = s.kind == core::SuppressionKind::accepted && s.expires
                                   ? "accepted until " + format_rfc3339(*s.expires)
                                   : std::string(core::to_string(s.kind));
  json result{{"ruleId", s.rule},
              {"message", {{"text", "Suppressed by docket exception " + s.id.str() + ": " + decision}}},
              {"fingerprints", {{"docket/v1", s.fingerprint}}},
              {"suppressions",
               json::array({{{"kind", "external"},
                             {"status", "accepted"},
                             {"justification", s.reason},
                             {"properties",
                              {{"docket_id", s.id.str()},
                               {"kind", core::to_string(s.kind)},
                               {"approvers", std::move(approvers)},
                               {"expires", s.expires ? json(format_rfc3339(*s.expires)) : json(nullptr)}}}}})}};
  if (!s.location.path.empty()) {
    json physical{{"artifactLocation", {{"uri", uri_reference(s.location.path)}}}};
    if (s.location.line) physical["region"] = {{"startLine", *s.location.line}};
    result["locations"] = json::array({{{"physicalLocation", std::move(physical)}}});
  }
  if (s.fingerprint.empty()) result.erase("fingerprints");
  return result;
}

// --- .gitleaksignore -------------------------------------------------------------------------

// The code point at `text[i]` (valid UTF-8: records are checked when read) and its length.
std::pair<std::uint32_t, std::size_t> code_point_at(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return {lead, 1};
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  std::uint32_t code = lead & (0xFFu >> (length + 1));
  for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
    code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
  return {code, length};
}

// Go's unicode.IsSpace, which strings.TrimSpace trims.
bool go_space(std::uint32_t c) {
  return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ' || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

std::uint32_t last_code_point(std::string_view text) {
  std::size_t i = text.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return code_point_at(text, i).first;
}

// --- .trivyignore.yaml -----------------------------------------------------------------------

// `path` as a doublestar pattern matching that path only: trivy matches `paths` as globs.
std::string glob_literal(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (std::string_view("*?[]{}\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && detail::lower(text.substr(0, prefix.size())) == detail::lower(prefix);
}

std::string utc_date(Timestamp t) { return format_rfc3339(t).substr(0, 10); }

}  // namespace

std::string_view to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::sarif: return "sarif";
    case ExportFormat::trivyignore: return "trivyignore";
    case ExportFormat::gitleaksignore: return "gitleaksignore";
  }
  return "unknown";
}

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  for (const ExportFormat f : kFormats)
    if (to_string(f) == text) return f;
  return std::nullopt;
}

std::string export_format_names() {
  std::string names;
  for (const ExportFormat f : kFormats) names += (names.empty() ? "" : ", ") + std::string(to_string(f));
  return names;
}

ExportedText write_sarif_suppressions(const std::vector<core::Suppression>& suppressions) {
  std::map<std::string, json> runs;  // by tool: one run each, sorted by name
  for (const auto& s : suppressions) {
    json& run = runs[s.tool];
    if (run.is_null()) run = {{"tool", {{"driver", {{"name", s.tool}}}}}, {"results", json::array()}};
    run["results"].push_back(sarif_result(s));
  }
  json log{{"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
           {"version", "2.1.0"},
           {"runs", json::array()}};
  for (auto& [tool, run] : runs) log["runs"].push_back(std::move(run));
  ExportedText out;
  out.text = log.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  out.written = suppressions.size();
  return out;
}

std::string_view trivyignore_section(const core::Suppression& s) {
  if (starts_with_ci(s.rule, "CVE-") || starts_with_ci(s.rule, "GHSA-")) return "vulnerabilities";
  if (s.template_name == "leaked-secret" || detail::is_secret_scanner(s.tool) || detail::describes_secret(s.rule))
    return "secrets";
  return "misconfigurations";
}

ExportedText write_trivyignore(const std::vector<core::Suppression>& suppressions) {
  ExportedText out;
  std::map<std::string_view, std::vector<const core::Suppression*>> sections;
  for (const auto& s : suppressions) {
    if (s.location.path.empty()) {
      out.left_out.push_back(left_out(s, "no file path: a trivy entry without paths would hide the rule in every file"));
      continue;
    }
    sections[trivyignore_section(s)].push_back(&s);
  }
  detail::CanonicalWriter w;
  w.begin_map();
  for (const std::string_view section : {"vulnerabilities", "misconfigurations", "secrets"}) {
    w.key(section);
    const auto found = sections.find(section);
    if (found == sections.end()) {
      w.empty_list();
      continue;
    }
    w.begin_list();
    for (const core::Suppression* s : found->second) {
      w.begin_map();
      w.text_field("id", s->rule);
      w.key("paths");
      w.begin_list();
      w.text(glob_literal(s->location.path));
      w.end_list();
      if (s->expires) w.plain_field("expired_at", utc_date(*s->expires));
      w.text_field("statement", s->id.str() + ": " + s->reason);
      w.end_map();
      ++out.written;
    }
    w.end_list();
  }
  w.end_map();
  out.text = w.finish();
  return out;
}

std::optional<std::string> gitleaksignore_problem(std::string_view line) {
  if (line.empty()) return "it is empty";
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "it holds a control character (a line break would split the entry)";
  }
  if (go_space(code_point_at(line, 0).first) || go_space(last_code_point(line)))
    return "it starts or ends with white space, which gitleaks trims";
  if (line.front() == '#') return "it starts with '#', which makes it a comment";
  return std::nullopt;
}

ExportedText write_gitleaksignore(const std::vector<core::Suppression>& suppressions) {
  ExportedText out;
  std::string body;
  for (const auto& s : suppressions) {
    std::string line;
    if (!s.tool_fingerprint.empty()) {
      line = s.tool_fingerprint;
    } else if (s.location.line && !s.location.path.empty()) {
      line = s.location.path + ":" + s.rule + ":" + std::to_string(*s.location.line);
    } else {
      out.left_out.push_back(left_out(s, "no line in its location, and gitleaks' fingerprint needs one"));
      continue;
    }
    if (const auto problem = gitleaksignore_problem(line)) {
      out.left_out.push_back(left_out(s, "its gitleaks fingerprint cannot be written: " + *problem));
      continue;
    }
    body += "# " + s.id.str() + " " + std::string(core::to_string(s.kind));
    if (s.expires) body += " until " + format_rfc3339(*s.expires);
    body += "\n" + line + "\n";
    ++out.written;
  }
  out.text = "# Written by docket export: the exceptions in force. Regenerate it; edits are lost.\n" + body;
  return out;
}

ExportedText write_export(ExportFormat format, const std::vector<core::Suppression>& suppressions) {
  switch (format) {
    case ExportFormat::sarif: return write_sarif_suppressions(suppressions);
    case ExportFormat::trivyignore: return write_trivyignore(suppressions);
    case ExportFormat::gitleaksignore: return write_gitleaksignore(suppressions);
  }
  return {};
}

}  // namespace docket::codec
