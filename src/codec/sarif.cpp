// SARIF 2.1.0 → core::ScanReport. Mapping rules (docs/ingest.md): the rule id comes from
// `ruleId`, `rule.id`, the rule index, or — for tools that give none, like gitleaks 7 — the
// declared rule id the message starts with; severity from `security-severity`, then `level`,
// then the rule's default level; the identity from a fingerprint the tool gives that is not
// commit metadata, else a hash of tool, rule and location. Snippets and result properties
// (where gitleaks puts `offender`, the secret) are never read.

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include "docket/codec/sarif.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

using detail::json;
using detail::JsonReader;

constexpr const char* kNotSarifHint =
    "give a SARIF 2.1.0 log (e.g. gitleaks --report-format sarif, trivy --format sarif, semgrep --sarif); for "
    "other formats see `docket ingest --help`";

std::string indexed(const std::string& path, std::size_t index) { return path + "[" + std::to_string(index) + "]"; }

// Result kinds that are not findings (SARIF §3.27.9).
bool not_a_finding(std::string_view kind) { return kind == "pass" || kind == "notApplicable"; }

std::optional<Severity> severity_of_level(std::string_view level) {
  if (level == "error") return Severity::high;
  if (level == "warning") return Severity::medium;
  if (level == "note" || level == "none") return Severity::low;
  return std::nullopt;
}

// GitHub's reading of `security-severity` (a CVSS-like score, 0.0–10.0, as a string or number).
std::optional<Severity> severity_of_score(const json& value) {
  double score = -1;
  if (value.is_number()) {
    score = value.get<double>();
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), score);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  }
  if (!(score >= 0.0 && score <= 10.0)) return std::nullopt;
  if (score >= 9.0) return Severity::critical;
  if (score >= 7.0) return Severity::high;
  if (score >= 4.0) return Severity::medium;
  return Severity::low;
}

// Fingerprint entries that describe the commit a secret was found in (gitleaks writes these as
// partialFingerprints) say nothing about which finding it is: the same leak in two commits
// would be two findings.
bool is_commit_metadata(std::string_view key) {
  static constexpr std::array<std::string_view, 13> names{
      "commitsha", "commit",     "commithash", "sha",       "author", "authoremail", "email",
      "date",      "commitmessage", "message", "timestamp", "branch", "repo"};
  const std::string base = detail::lower(key.substr(0, key.find('/')));
  return std::find(names.begin(), names.end(), base) != names.end();
}

// Fingerprint keys known to identify a finding without being the secret, best first.
constexpr std::array<std::string_view, 5> kPreferredFingerprints{"matchBasedId/v1", "primaryLocationLineHash",
                                                                 "secretHashSha256/v0", "secret/v1", "contextRegionHash/v1"};

struct ChosenFingerprint {
  std::string key;
  std::string value;
};

class RunReader {
public:
  RunReader(const JsonReader& in, const json& run, std::string path, const ScanOptions& options,
            detail::FindingCollector& out)
      : in_(in), run_(run), path_(std::move(path)), options_(options), out_(out) {}

  // Reads the run's findings into `out`; returns the tool and whether the run is complete.
  std::pair<std::string, bool> read() {
    const json* tool = in_.object(run_, "tool", path_);
    if (!tool) in_.fail(path_, "has no tool", kNotSarifHint);
    const json* driver = in_.object(*tool, "driver", path_ + ".tool");
    if (!driver) in_.fail(path_ + ".tool", "has no driver", kNotSarifHint);
    const auto name = in_.string(*driver, "name", path_ + ".tool.driver");
    if (!name || name->empty()) in_.fail(path_ + ".tool.driver", "has no name", kNotSarifHint);
    // The tool's name reaches the ingest commit's subject: one line, no secret, like every
    // other text taken from a report.
    tool_ = detail::tool_name(options_.tool ? *options_.tool : *name);
    scope_ = options_.tool ? detail::lower(*options_.tool) : std::string{};
    driver_rules_ = in_.array(*driver, "rules", path_ + ".tool.driver");
    extensions_ = in_.array(*tool, "extensions", path_ + ".tool");
    artifacts_ = in_.array(run_, "artifacts", path_);
    base_ids_ = in_.object(run_, "originalUriBaseIds", path_);

    bool complete = true;
    if (const json* invocations = in_.array(run_, "invocations", path_))
      for (std::size_t i = 0; i < invocations->size(); ++i)
        if (in_.boolean((*invocations)[i], "executionSuccessful", indexed(path_ + ".invocations", i)) == false)
          complete = false;
    // An absent results list means the tool did not say what it found (SARIF §3.14.23): such a
    // run must not mark anything as gone.
    const json* results = in_.array(run_, "results", path_);
    if (!results) return {tool_, false};
    for (std::size_t i = 0; i < results->size(); ++i) read_result((*results)[i], indexed(path_ + ".results", i));
    emit();
    return {tool_, complete};
  }

private:
  struct Place {
    std::string uri;         // relative to the scanned tree where it could be made so
    std::string legacy_uri;  // base ids joined, absolute paths kept (docket before 0.x)
    std::string raw_uri;     // as the result names it
    std::int64_t line = 0;   // 0 when none
    std::string snippet;     // region.snippet.text: only hashed, never kept
  };

  struct Uri {
    std::string uri;         // the artifact's uri, relative to its base id when it has one
    std::string legacy;      // base ids' uris joined in front, as docket kept it before
    bool from_base = false;  // relative to a base id the run defines
  };

  // A result read, before its identity is settled: placeholder fingerprints can only be told
  // once the whole run is read.
  struct Pending {
    std::string rule;
    std::optional<Severity> severity;
    std::string message;
    std::string location;         // relative to the scanned tree where it could be made so
    std::string uri;              // the same, without the line
    std::string legacy_location;  // as docket 0.x kept it (base ids joined, absolute paths kept)
    std::string legacy_uri;
    std::optional<ChosenFingerprint> chosen;
    std::string snippet_hash;     // of region.snippet.text, when the result has one; never the text
    std::string tool_fingerprint;
    bool secret = false;
  };

  // Settles each result's identity and hands it to the collector, in report order.
  void emit() {
    // A fingerprint value is a placeholder when results at different places share it. The rule
    // and the file are part of the identity already, so only places of one rule in one file
    // (other lines) could be merged by it: those are what is compared.
    using Site = std::tuple<std::string, std::string, std::string, std::string>;  // key, value, rule, uri
    std::map<Site, std::set<std::string>> places;
    const auto site = [](const Pending& p) { return Site{p.chosen->key, p.chosen->value, p.rule, p.uri}; };
    for (const Pending& p : pending_)
      if (p.chosen) places[site(p)].insert(p.location);
    for (Pending& p : pending_) {
      std::string fingerprint;
      std::vector<std::string> former;
      const bool placeholder = p.chosen && places[site(p)].size() > 1;
      if (placeholder) {
        ++out_.report.placeholder_fingerprints;
        fingerprint = p.snippet_hash.empty()
                          ? detail::location_fingerprint(tool_, p.rule, p.location)
                          : detail::fingerprint_of({"docket-finding/v2", "placeholder", tool_, p.rule, p.location, p.snippet_hash});
      } else if (p.chosen) {
        fingerprint = detail::fingerprint_of({"docket-finding/v1", "fingerprint", scope_, p.rule, p.uri, p.chosen->key, p.chosen->value});
        if (p.legacy_uri != p.uri)
          former.push_back(
              detail::fingerprint_of({"docket-finding/v1", "fingerprint", scope_, p.rule, p.legacy_uri, p.chosen->key, p.chosen->value}));
      } else if (p.legacy_location != p.location) {
        former.push_back(detail::location_fingerprint(tool_, p.rule, p.legacy_location));
      }
      core::ScanFinding finding = detail::make_finding(tool_, std::move(p.rule), p.severity, std::move(p.message),
                                                       std::move(p.location), std::move(fingerprint), p.secret);
      finding.former_fingerprints = std::move(former);
      finding.tool_fingerprint = std::move(p.tool_fingerprint);
      out_.add(std::move(finding));
    }
    pending_.clear();
  }

  void read_result(const json& result, const std::string& path) {
    if (!result.is_object()) in_.fail(path, "is not an object");
    if (const auto kind = in_.string(result, "kind", path); kind && not_a_finding(*kind)) return;
    if (in_.string(result, "baselineState", path) == "absent") return;
    if (suppressed(result, path)) {
      ++out_.report.suppressed;
      return;
    }
    const json* descriptor = rule_descriptor(result, path);
    const std::string message = message_text(result, path);
    const std::string rule = rule_id(result, path, descriptor, message);

    std::optional<Severity> severity = security_severity(result, descriptor);
    if (!severity) {
      const auto level = in_.string(result, "level", path);
      if (level && !severity_of_level(*level))
        in_.fail(path + ".level", "is '" + *level + "', not none, note, warning or error");
      if (level) severity = severity_of_level(*level);
      else if (descriptor) severity = default_severity(*descriptor, path);
    }

    const Place place = location(result, path);
    const auto at_line = [&](const std::string& uri) {
      return uri.empty() ? std::string{} : place.line > 0 ? uri + ":" + std::to_string(place.line) : uri;
    };
    Pending p;
    p.location = at_line(place.uri);
    p.legacy_location = at_line(place.legacy_uri);
    if (p.location.empty()) p.location = p.legacy_location = logical_location(result, path);
    p.uri = place.uri;
    p.legacy_uri = place.legacy_uri;
    p.chosen = tool_fingerprint(result, path);
    if (!place.snippet.empty()) p.snippet_hash = detail::fingerprint_of({"snippet", place.snippet});
    p.secret = detail::is_secret_scanner(tool_) || detail::describes_secret(rule) ||
               (descriptor && describes_secret(*descriptor, path)) || tagged_secret(result);
    p.tool_fingerprint = gitleaks_fingerprint(result, path, rule, place);
    p.rule = rule;
    p.severity = severity;
    p.message = message;
    pending_.push_back(std::move(p));
  }

  // gitleaks' own fingerprint of the finding, as `.gitleaksignore` takes it:
  // `<commit>:<file>:<rule>:<line>` for a git scan, `<file>:<rule>:<line>` for --no-git.
  std::string gitleaks_fingerprint(const json& result, const std::string& path, const std::string& rule,
                                   const Place& place) const {
    if (tool_.find("gitleaks") == std::string::npos || place.raw_uri.empty() || place.line <= 0 || rule.empty()) return {};
    std::string commit;
    if (const json* partial = in_.object(result, "partialFingerprints", path))
      if (auto sha = in_.string(*partial, "commitSha", path + ".partialFingerprints");
          sha && sha->size() <= 64 && sha->find_first_not_of("0123456789abcdef") == std::string::npos)
        commit = *sha;
    const std::string id = (commit.empty() ? "" : commit + ":") + place.raw_uri + ":" + rule + ":" + std::to_string(place.line);
    // Kept only as written: a value that storage would change (a control, a line break, a
    // secret look-alike, an over-long path) could not be matched by gitleaks anyway.
    return detail::stored_text(id, 400) == id ? id : std::string{};
  }

  // A suppression is in force unless its status says it is under review or rejected (§3.35.3).
  bool suppressed(const json& result, const std::string& path) const {
    const json* suppressions = in_.array(result, "suppressions", path);
    if (!suppressions) return false;
    for (std::size_t i = 0; i < suppressions->size(); ++i) {
      const auto status = in_.string((*suppressions)[i], "status", indexed(path + ".suppressions", i));
      if (!status || *status == "accepted") return true;
    }
    return false;
  }

  const json* rule_list(const json* reference, const std::string& path) const {
    if (!reference) return driver_rules_;
    const json* component = in_.object(*reference, "toolComponent", path);
    if (!component) return driver_rules_;
    const auto index = in_.integer(*component, "index", path + ".toolComponent");
    if (!index) return driver_rules_;
    if (!extensions_ || *index < 0 || static_cast<std::size_t>(*index) >= extensions_->size())
      in_.fail(path + ".toolComponent.index", std::to_string(*index) + " names no entry of tool.extensions");
    return in_.array((*extensions_)[static_cast<std::size_t>(*index)], "rules", path_ + ".tool.extensions");
  }

  const json* rule_at(const json* rules, std::int64_t index, const std::string& where) const {
    if (!rules || index < 0 || static_cast<std::size_t>(index) >= rules->size())
      in_.fail(where, std::to_string(index) + " names no declared rule (" + std::to_string(rules ? rules->size() : 0) +
                          " declared)");
    const json& rule = (*rules)[static_cast<std::size_t>(index)];
    if (!rule.is_object()) in_.fail(where, "names a rule that is not an object");
    return &rule;
  }

  const json* rule_by_id(const json* rules, std::string_view id) const {
    if (!rules) return nullptr;
    for (const auto& rule : *rules)
      if (rule.is_object() && rule.contains("id") && rule["id"].is_string() && rule["id"].get_ref<const std::string&>() == id)
        return &rule;
    return nullptr;
  }

  // The reportingDescriptor of the result's rule, when the run declares it. An index of -1
  // means "no index" (SARIF §3.27.6, §3.52.5). When the index and the id disagree, the rule with
  // that id wins (with a warning), or none: never another rule's severity or tags.
  const json* rule_descriptor(const json& result, const std::string& path) {
    const json* reference = in_.object(result, "rule", path);
    const json* rules = rule_list(reference, path + ".rule");
    std::optional<std::string> id = in_.string(result, "ruleId", path);
    if (!id && reference) id = in_.string(*reference, "id", path + ".rule");
    const json* by_id = nullptr;
    if (id) {
      by_id = rule_by_id(rules, *id);
      if (!by_id && extensions_)
        for (const auto& extension : *extensions_)
          if ((by_id = rule_by_id(in_.member(extension, "rules"), *id))) break;
    }
    std::optional<std::int64_t> index;
    std::string index_path;
    if (reference) index = in_.integer(*reference, "index", index_path = path + ".rule.index");
    if (!index || *index == -1) index = in_.integer(result, "ruleIndex", index_path = path + ".ruleIndex");
    if (!index || *index == -1) return by_id;
    const json* by_index = rule_at(rules, *index, index_path);
    if (!id) return by_index;
    const json* indexed_id = in_.member(*by_index, "id");
    if (indexed_id && indexed_id->is_string() && indexed_id->get_ref<const std::string&>() == *id) return by_index;
    const std::string named = indexed_id && indexed_id->is_string() ? "'" + detail::stored_text(indexed_id->get<std::string>(), 60) + "'" : "a rule without id";
    detail::warn(out_.report, std::string(in_.source()) + ": " + index_path + " " + std::to_string(*index) + " names " + named +
                                  " but ruleId is '" + detail::stored_text(*id, 60) + "'; " +
                                  (by_id ? "read the rule with that id" : "no declared rule has that id, so no rule was read"));
    return by_id;
  }

  std::string rule_id(const json& result, const std::string& path, const json* descriptor, const std::string& message) {
    if (auto id = in_.string(result, "ruleId", path)) return *id;
    if (const json* reference = in_.object(result, "rule", path))
      if (auto id = in_.string(*reference, "id", path + ".rule")) return *id;
    if (descriptor)
      if (auto id = in_.string(*descriptor, "id", path + ".rule")) return *id;
    return rule_named_by_message(message);
  }

  // gitleaks 7 gives no rule id at all, only "AWS Access Key secret detected": the longest
  // declared rule id the message starts with, followed by a space, is the rule.
  std::string rule_named_by_message(std::string_view message) const {
    std::string best;
    const auto consider = [&](const json* rules) {
      if (!rules) return;
      for (const auto& rule : *rules) {
        if (!rule.is_object() || !rule.contains("id") || !rule["id"].is_string()) continue;
        const auto& id = rule["id"].get_ref<const std::string&>();
        if (!id.empty() && id.size() > best.size() && message.starts_with(id) &&
            (message.size() == id.size() || message[id.size()] == ' '))
          best = id;
      }
    };
    consider(driver_rules_);
    if (extensions_)
      for (const auto& extension : *extensions_) consider(in_.member(extension, "rules"));
    return best;
  }

  // The message for people: its text, else the rule's short description. Message arguments
  // are never used: scanners put partial secrets there.
  std::string message_text(const json& result, const std::string& path) const {
    if (const json* message = in_.object(result, "message", path))
      if (auto text = in_.string(*message, "text", path + ".message")) return *text;
    return {};
  }

  std::optional<Severity> security_severity(const json& result, const json* descriptor) const {
    for (const json* owner : {&result, descriptor}) {
      if (!owner) continue;
      const json* properties = in_.member(*owner, "properties");
      if (!properties || !properties->is_object()) continue;
      if (const json* score = in_.member(*properties, "security-severity"))
        if (const auto severity = severity_of_score(*score)) return severity;
    }
    return std::nullopt;
  }

  std::optional<Severity> default_severity(const json& descriptor, const std::string& path) const {
    const json* configuration = in_.member(descriptor, "defaultConfiguration");
    if (!configuration || !configuration->is_object()) return std::nullopt;
    const auto level = in_.string(*configuration, "level", path + ".rule.defaultConfiguration");
    return level ? severity_of_level(*level) : std::nullopt;
  }

  bool describes_secret(const json& descriptor, const std::string& path) const {
    if (const auto name = in_.string(descriptor, "name", path + ".rule"); name && detail::describes_secret(*name)) return true;
    if (const json* description = in_.member(descriptor, "shortDescription"))
      if (const json* text = in_.member(*description, "text"); text && text->is_string() &&
                                                              detail::describes_secret(text->get_ref<const std::string&>()))
        return true;
    return tagged_secret(descriptor);
  }

  // `properties.tags` holding `secret` (Trivy's and GitHub's convention for secret rules).
  static bool tagged_secret(const json& owner) {
    const auto properties = owner.find("properties");
    if (properties == owner.end() || !properties->is_object()) return false;
    const auto tags = properties->find("tags");
    if (tags == properties->end() || !tags->is_array()) return false;
    return std::any_of(tags->begin(), tags->end(), [](const json& tag) {
      return tag.is_string() && (detail::lower(tag.get_ref<const std::string&>()) == "secret" ||
                                 detail::lower(tag.get_ref<const std::string&>()) == "secrets");
    });
  }


  // The first physical location: its URI made relative to the scanned tree (docs/ingest.md,
  // "Location") and start line.
  Place location(const json& result, const std::string& path) {
    const json* locations = in_.array(result, "locations", path);
    if (!locations) return {};
    for (std::size_t i = 0; i < locations->size(); ++i) {
      const std::string at = indexed(path + ".locations", i);
      const json* physical = in_.object((*locations)[i], "physicalLocation", at);
      if (!physical) continue;
      const json* artifact = in_.object(*physical, "artifactLocation", at + ".physicalLocation");
      if (!artifact) continue;
      Place place;
      const Uri uri = resolve_uri(*artifact, at + ".physicalLocation.artifactLocation", 0);
      if (uri.uri.empty()) continue;
      place.legacy_uri = uri.legacy;
      place.raw_uri = in_.string(*artifact, "uri", at + ".physicalLocation.artifactLocation").value_or(uri.legacy);
      if (uri.from_base) {
        // Relative to a base id: the base is the scanned tree on the machine that scanned it.
        place.uri = normal_path(uri.uri, PathForm::uri);
      } else {
        bool absolute = false;
        place.uri = checkout_relative(uri.uri, options_, PathForm::uri, &absolute);
        if (absolute) ++out_.report.absolute_locations;
      }
      if (const json* region = in_.object(*physical, "region", at + ".physicalLocation")) {
        place.line = std::max<std::int64_t>(in_.integer(*region, "startLine", at + ".physicalLocation.region").value_or(0), 0);
        if (const json* snippet = in_.object(*region, "snippet", at + ".physicalLocation.region"))
          if (const json* text = in_.member(*snippet, "text"); text && text->is_string())
            place.snippet = text->get<std::string>();
      }
      return place;
    }
    return {};
  }


  // An artifact location's uri (SARIF §3.4.4, §3.14.14). A relative uri with a uriBaseId that
  // the run defines is kept relative to that base, with the relative parts of the base's own
  // chain in front; the absolute start of the chain (the scanned tree on the scanning machine)
  // is dropped, so two runners with different workspaces agree. `--base` folders still apply
  // to the joined path.
  Uri resolve_uri(const json& artifact, const std::string& path, int depth) const {
    // Base ids may refer to other base ids; a cycle or a deep chain is refused, not followed.
    if (depth > 8) in_.fail(path, "uriBaseId chain is longer than 8 or loops");
    std::optional<std::string> uri = in_.string(artifact, "uri", path);
    std::optional<std::string> base = in_.string(artifact, "uriBaseId", path);
    if (!uri) {
      const auto index = in_.integer(artifact, "index", path);
      if (!index) return {};
      if (!artifacts_ || *index < 0 || static_cast<std::size_t>(*index) >= artifacts_->size())
        in_.fail(path + ".index", std::to_string(*index) + " names no entry of run.artifacts");
      const json* location = in_.object((*artifacts_)[static_cast<std::size_t>(*index)], "location", path_ + ".artifacts");
      if (!location) return {};
      return resolve_uri(*location, path_ + ".artifacts[" + std::to_string(*index) + "].location", depth + 1);
    }
    const bool absolute = uri->find("://") != std::string::npos || uri->starts_with("/");
    if (!base || !base_ids_ || absolute) return {*uri, *uri, false};
    const json* definition = in_.object(*base_ids_, base->c_str(), path_ + ".originalUriBaseIds");
    if (!definition) return {*uri, *uri, false};
    const Uri prefix = resolve_uri(*definition, path_ + ".originalUriBaseIds." + *base, depth + 1);
    if (prefix.legacy.empty()) return {*uri, *uri, false};
    const auto join = [&](std::string front) {
      if (!front.empty() && !front.ends_with("/")) front += '/';
      return front + *uri;
    };
    Uri out{*uri, join(prefix.legacy), true};
    const bool base_absolute = prefix.uri.find("://") != std::string::npos || prefix.uri.starts_with("/");
    if (prefix.from_base || !base_absolute) {
      out.uri = join(prefix.uri);  // a relative base: its path is part of the tree
    } else if (!options_.bases.empty()) {
      bool left_absolute = false;
      const std::string relative = checkout_relative(out.legacy, options_, PathForm::uri, &left_absolute);
      if (!left_absolute) out.uri = relative;
    }
    return out;
  }

  std::string logical_location(const json& result, const std::string& path) const {
    const json* locations = in_.array(result, "locations", path);
    if (!locations) return {};
    for (std::size_t i = 0; i < locations->size(); ++i) {
      const std::string at = indexed(path + ".locations", i);
      const json* logical = in_.array((*locations)[i], "logicalLocations", at);
      if (!logical) continue;
      for (std::size_t k = 0; k < logical->size(); ++k) {
        const std::string here = indexed(at + ".logicalLocations", k);
        if (auto name = in_.string((*logical)[k], "fullyQualifiedName", here)) return *name;
        if (auto name = in_.string((*logical)[k], "name", here)) return *name;
      }
    }
    return {};
  }

  // The tool's own identity for the finding, if it gives one that is not commit metadata.
  std::optional<ChosenFingerprint> tool_fingerprint(const json& result, const std::string& path) const {
    for (const char* container : {"fingerprints", "partialFingerprints"}) {
      const json* entries = in_.object(result, container, path);
      if (!entries) continue;
      std::vector<ChosenFingerprint> usable;
      for (const auto& [key, value] : entries->items())
        if (value.is_string() && !value.get_ref<const std::string&>().empty() && !is_commit_metadata(key))
          usable.push_back({key, value.get<std::string>()});
      if (usable.empty()) continue;
      for (const auto preferred : kPreferredFingerprints)
        for (const auto& entry : usable)
          if (entry.key == preferred) return entry;
      for (const auto& entry : usable)
        if (detail::lower(entry.key).find("hash") != std::string::npos) return entry;
      return usable.front();  // entries are sorted by key: the choice is stable
    }
    return std::nullopt;
  }

  const JsonReader& in_;
  const json& run_;
  std::string path_;
  const ScanOptions& options_;
  detail::FindingCollector& out_;
  std::string tool_;
  std::string scope_;
  const json* driver_rules_ = nullptr;
  const json* extensions_ = nullptr;
  const json* artifacts_ = nullptr;
  const json* base_ids_ = nullptr;
  std::vector<Pending> pending_;
};

}  // namespace

core::ScanReport read_sarif(std::string_view text, std::string_view source, const ScanOptions& options) {
  const auto decoded = detail::decoded_unicode(text, source);
  if (decoded) text = *decoded;
  const auto values = detail::top_level_json_values(text, source);
  if (values.empty()) detail::bad_report(source, "is empty, not a SARIF log", kNotSarifHint);
  if (values.size() > 1) detail::several_values(values, source, "a SARIF log is one JSON object");
  const json log = detail::parse_json_value(text, source, "SARIF log");
  const JsonReader in(source);
  detail::refuse_other_format(source, log, "sarif", "a SARIF log");
  if (log.is_array())
    detail::bad_report(source, "is a JSON list, not a SARIF log (SARIF is an object with \"version\" and \"runs\")",
                       kNotSarifHint);
  if (!log.is_object()) detail::bad_report(source, "is not a SARIF log (its top level is not a JSON object)", kNotSarifHint);
  const auto version = in.string(log, "version", "$");
  const json* runs = in.array(log, "runs", "$");
  if (!version && !runs) detail::bad_report(source, "is JSON but not a SARIF log (no \"version\" and no \"runs\")", kNotSarifHint);
  if (!version) detail::bad_report(source, "has no SARIF \"version\"", "docket reads SARIF 2.1.0 logs");
  if (*version != "2.1.0")
    detail::bad_report(source, "is SARIF version " + *version + "; docket reads 2.1.0", "export the report as SARIF 2.1.0");
  if (!runs) detail::bad_report(source, "has no \"runs\" list", kNotSarifHint);

  detail::FindingCollector out;
  std::set<std::string> incomplete;
  for (std::size_t i = 0; i < runs->size(); ++i) {
    const std::string path = indexed("runs", i);
    if (!(*runs)[i].is_object()) in.fail(path, "is not an object");
    const auto [name, complete] = RunReader(in, (*runs)[i], path, options, out).read();
    const std::string tool = detail::stored_tool(name);
    out.report.tools.insert(tool);
    if (!complete) incomplete.insert(tool);
  }
  for (const auto& tool : out.report.tools)
    if (!incomplete.count(tool)) out.report.complete_tools.insert(tool);
  return std::move(out.report);
}

std::string scanner_tool_name(std::string_view raw) { return detail::stored_tool(detail::tool_name(raw)); }

}  // namespace docket::codec
