#include "docket/core/administration.hpp"

#include <algorithm>
#include <charconv>

#include "docket/core/error.hpp"
#include "docket/core/findings.hpp"
#include "docket/core/membership.hpp"
#include "docket/core/overloaded.hpp"
#include "docket/core/suggest.hpp"
#include "docket/core/time.hpp"

namespace docket::core {
namespace {

constexpr Severity kSeverities[] = {Severity::critical, Severity::high, Severity::medium, Severity::low};

[[noreturn]] void bad_value(std::string_view key, std::string_view value, std::string_view why, std::string_view range) {
  throw RuleViolation(std::string(kPolicyValueRule),
                      "'" + std::string(value) + "' is not a value for " + std::string(key) + ": " + std::string(why),
                      "give " + std::string(range));
}

const PolicyKey& find_key(std::string_view key) {
  const auto& keys = policy_keys();
  const auto it = std::find_if(keys.begin(), keys.end(), [&](const PolicyKey& k) { return k.key == key; });
  if (it != keys.end()) return *it;
  std::vector<std::string> names;
  for (const auto& k : keys) names.emplace_back(k.key);
  const auto guess = closest_match(key, names);
  throw RuleViolation(std::string(kPolicyValueRule),
                      "'" + std::string(key) + "' is not a policy setting docket policy set changes" +
                          (guess ? " (did you mean '" + *guess + "'?)" : std::string()),
                      "see docket policy show for every key and its allowed values");
}

Duration duration_in(const PolicyKey& k, std::string_view value, Duration low, Duration high) {
  const auto d = parse_duration(value);
  if (!d) bad_value(k.key, value, "not a duration", k.range);
  if (*d < low || *d > high) bad_value(k.key, value, "out of range", k.range);
  return *d;
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> items;
  for (;;) {  // "a," and "" hold an empty item, which no list takes
    const auto comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    items.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

Policy set_policy(const Policy& before, const PolicySet& set) {
  const PolicyKey& k = find_key(set.key);
  const std::string_view key = k.key;
  const std::string_view value = set.value;
  Policy after = before;
  for (const Severity s : kSeverities) {
    if (key == "sla." + std::string(to_string(s))) {
      after.sla[s] = duration_in(k, value, kShortestSla, kLongestSetDuration);
      return after;
    }
    if (key == "approvals." + std::string(to_string(s))) {
      int n = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || error != std::errc{} || end != value.data() + value.size())
        bad_value(key, value, "not a whole number", k.range);
      if (n < 1 || n > kMostApprovals) bad_value(key, value, "out of range", k.range);
      after.approvals_required[s] = n;
      return after;
    }
  }
  if (key == "max_acceptance") {
    after.max_acceptance = duration_in(k, value, kShortestAcceptance, kLongestSetDuration);
  } else if (key == "review_after") {
    after.review_after = duration_in(k, value, kShortestReview, kLongestSetDuration);
  } else if (key == "expiring_soon") {
    after.expiring_soon = duration_in(k, value, kShortestExpiringSoon, kLongestSetDuration);
  } else if (key == "clock_skew") {
    after.clock_skew = duration_in(k, value, Duration{1}, kLongestClockSkew);
  } else if (key == "max_evidence_size") {
    const auto bytes = parse_byte_size(value);
    if (!bytes) bad_value(key, value, "not a size", k.range);
    if (*bytes < kSmallestEvidenceLimit || *bytes > kLargestEvidenceLimit) bad_value(key, value, "out of range", k.range);
    after.max_evidence_bytes = *bytes;
  } else if (key == "fail_on") {
    after.fail_on.clear();
    if (value != "none") {
      for (const auto item : split_list(value)) {
        if (!parse_finding_kind(item)) bad_value(key, value, "'" + std::string(item) + "' is not a check finding", k.range);
        after.fail_on.insert(std::string(item));
      }
    }
  } else if (key == "escalation") {
    after.escalation.clear();
    for (const auto item : split_list(value)) {
      const auto email = Email::parse(item);
      if (!email) bad_value(key, value, "'" + std::string(item) + "' is not an e-mail address", k.range);
      require_member_known(before, *email);
      if (std::find(after.escalation.begin(), after.escalation.end(), *email) == after.escalation.end())
        after.escalation.push_back(*email);
    }
    if (after.escalation.empty()) bad_value(key, value, "escalation needs at least one owner", k.range);
  }
  return after;
}

// Teams the templates route to, and which templates do.
std::vector<std::string> templates_routing_to(const StoreSettings& s, const std::string& team) {
  std::vector<std::string> names;
  for (const auto& [name, t] : s.templates)
    if (std::find(t.route_to.begin(), t.route_to.end(), team) != t.route_to.end()) names.push_back(name);
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void require_template_valid(const StoreSettings& s, const Template& t) {
  if (!valid_name(t.name))
    throw RuleViolation(std::string(kTemplateValidRule), "'" + t.name + "' is not a valid template name",
                        "use up to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
  for (const auto& team : t.route_to)
    if (!s.policy.teams.count(team)) {
      std::vector<std::string> teams;
      for (const auto& [name, members] : s.policy.teams) teams.push_back(name);
      throw RuleViolation(std::string(kTemplateValidRule),
                          "template '" + t.name + "' routes to team '" + team + "', which this store does not have",
                          teams.empty() ? "create it first with docket team add " + team + " EMAIL"
                                        : "route to one of: " + joined(teams) + " (or create it with docket team add " +
                                              team + " EMAIL)");
    }
}

const Template& require_template_known(const StoreSettings& s, const std::string& name) {
  const auto it = s.templates.find(name);
  if (it != s.templates.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, t] : s.templates) names.push_back(n);
  const auto guess = closest_match(name, names);
  throw RuleViolation(std::string(kTemplateKnownRule),
                      "this store has no template '" + name + "'" + (guess ? " (did you mean '" + *guess + "'?)" : std::string()),
                      "see docket template list");
}

StoreSettings apply_one(const StoreSettings& before, const Administration& a, const std::vector<ExceptionId>& in_use) {
  StoreSettings after = before;
  std::visit(
      overloaded{
          [&](const PolicySet& c) { after.policy = set_policy(before.policy, c); },
          [&](const TeamAdd& c) {
            if (!valid_name(c.team))
              throw RuleViolation(std::string(kPolicyValueRule), "'" + c.team + "' is not a valid team name",
                                  "use up to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
            require_member_known(before.policy, c.member);
            auto& members = after.policy.teams[c.team];
            if (std::find(members.begin(), members.end(), c.member) == members.end()) members.push_back(c.member);
          },
          [&](const TeamRemove& c) {
            const auto it = after.policy.teams.find(c.team);
            if (it == after.policy.teams.end()) {
              std::vector<std::string> teams;
              for (const auto& [name, members] : before.policy.teams) teams.push_back(name);
              throw RuleViolation(std::string(kTeamKnownRule), "this store has no team '" + c.team + "'",
                                  teams.empty() ? "see docket team list" : "its teams are: " + joined(teams));
            }
            auto& members = it->second;
            const auto member = std::find(members.begin(), members.end(), c.member);
            if (member == members.end())
              throw RuleViolation(std::string(kTeamKnownRule), c.member.str() + " is not in team '" + c.team + "'",
                                  "see docket team list");
            members.erase(member);
            if (members.empty()) {
              const auto routing = templates_routing_to(before, c.team);
              if (!routing.empty())
                throw RuleViolation(std::string(kTeamRequiredRule),
                                    c.member.str() + " is the last member of team '" + c.team +
                                        "', which templates route new exceptions to (" + joined(routing) + ")",
                                    "add another member first: docket team add " + c.team + " EMAIL");
              after.policy.teams.erase(it);
            }
          },
          [&](const TemplateAdd& c) {
            if (before.templates.count(c.added.name))
              throw RuleViolation(std::string(kTemplateExistsRule), "this store already has a template '" + c.added.name + "'",
                                  "change it with docket template update FILE");
            require_template_valid(before, c.added);
            after.templates[c.added.name] = c.added;
          },
          [&](const TemplateUpdate& c) {
            require_template_known(before, c.updated.name);
            require_template_valid(before, c.updated);
            after.templates[c.updated.name] = c.updated;
          },
          [&](const TemplateRemove& c) {
            require_template_known(before, c.name);
            if (!in_use.empty()) {
              std::string ids;
              for (std::size_t i = 0; i < in_use.size() && i < 5; ++i) ids += (i ? ", " : "") + in_use[i].str();
              if (in_use.size() > 5) ids += " and " + std::to_string(in_use.size() - 5) + " more";
              throw RuleViolation(std::string(kTemplateInUseRule),
                                  std::to_string(in_use.size()) + " exception" + (in_use.size() == 1 ? "" : "s") +
                                      " that are not closed use template '" + c.name + "': " + ids,
                                  "close them first (docket list --template " + c.name + ")");
            }
            for (const auto& [rule, name] : before.policy.ingest.templates)
              if (name == c.name)
                throw RuleViolation(std::string(kTemplateInUseRule),
                                    "docket.yaml's ingest mapping sends '" + rule + "' to template '" + c.name + "'",
                                    "an admin changes the ingest mapping first (docs/ingest.md)");
            after.templates.erase(c.name);
          },
      },
      a);
  return after;
}

}  // namespace

const std::vector<PolicyKey>& policy_keys() {
  static const std::vector<PolicyKey> keys{
      {"sla.critical", "time to resolve a critical exception (its due date)", "a duration from 1m to 3650d, like 12h or 2d"},
      {"sla.high", "time to resolve a high exception", "a duration from 1m to 3650d, like 3d"},
      {"sla.medium", "time to resolve a medium exception", "a duration from 1m to 3650d, like 14d"},
      {"sla.low", "time to resolve a low exception", "a duration from 1m to 3650d, like 30d"},
      {"approvals.critical", "approvals a critical exception's resolution needs", "a whole number from 1 to 100"},
      {"approvals.high", "approvals a high exception's resolution needs", "a whole number from 1 to 100"},
      {"approvals.medium", "approvals a medium exception's resolution needs", "a whole number from 1 to 100"},
      {"approvals.low", "approvals a low exception's resolution needs", "a whole number from 1 to 100"},
      {"max_acceptance", "the longest an acceptance may run before renewal", "a duration from 1h to 3650d, like 90d"},
      {"review_after", "when a closed exception's post-closure review is due", "a duration from 1h to 3650d, like 30d"},
      {"expiring_soon", "how early check reports an acceptance as expiring", "a duration from 1h to 3650d, like 14d"},
      {"clock_skew", "how far a commit's time may run ahead of the verifier's clock", "a duration from 1s to 1d, like 5m"},
      {"max_evidence_size", "the largest evidence file attach takes", "a size from 1KiB to 1TiB, like 512MiB or 1GiB"},
      {"fail_on", "the check findings that fail the build",
       "a comma-separated list of expired, sla-breach, review-overdue, expiring-soon, or none"},
      {"escalation", "who escalate hands an exception to by default", "a comma-separated list of member e-mails"},
  };
  return keys;
}

std::string policy_value(const Policy& policy, std::string_view key) {
  const PolicyKey& k = find_key(key);
  for (const Severity s : kSeverities) {
    if (k.key == "sla." + std::string(to_string(s))) {
      const auto it = policy.sla.find(s);
      return it == policy.sla.end() ? "" : format_duration(it->second);
    }
    if (k.key == "approvals." + std::string(to_string(s))) {
      const auto it = policy.approvals_required.find(s);
      return it == policy.approvals_required.end() ? "" : std::to_string(it->second);
    }
  }
  if (k.key == "max_acceptance") return format_duration(policy.max_acceptance);
  if (k.key == "review_after") return format_duration(policy.review_after);
  if (k.key == "expiring_soon") return format_duration(policy.expiring_soon);
  if (k.key == "clock_skew") return format_duration(policy.clock_skew);
  if (k.key == "max_evidence_size") return format_byte_size(policy.max_evidence_bytes);
  std::string out;
  if (k.key == "fail_on") {
    for (const auto& f : policy.fail_on) out += (out.empty() ? "" : ",") + f;
    return out.empty() ? "none" : out;
  }
  for (const auto& e : policy.escalation) out += (out.empty() ? "" : ",") + e.str();
  return out;
}

std::string_view administration_name(const Administration& a) {
  return std::visit(overloaded{[](const PolicySet&) { return std::string_view("policy-set"); },
                               [](const TeamAdd&) { return std::string_view("team-add"); },
                               [](const TeamRemove&) { return std::string_view("team-remove"); },
                               [](const TemplateAdd&) { return std::string_view("template-add"); },
                               [](const TemplateUpdate&) { return std::string_view("template-update"); },
                               [](const TemplateRemove&) { return std::string_view("template-remove"); }},
                    a);
}

const std::vector<std::string_view>& administration_names() {
  static const std::vector<std::string_view> names{"policy-set",   "team-add",        "team-remove",
                                                   "template-add", "template-update", "template-remove"};
  return names;
}

StoreSettings administer(const StoreSettings& before, const Administration& a, const Context& ctx,
                         const std::vector<ExceptionId>& in_use) {
  require_admin(ctx, "change templates or policy");
  StoreSettings after = apply_one(before, a, in_use);
  if (after == before)
    throw RuleViolation(std::string(kChangesNothingRule),
                        "docket " + std::string(administration_name(a)) + " changes nothing: the store already has that setting",
                        "see docket policy show, docket team list or docket template list");
  return after;
}

bool valid_name(std::string_view name) {
  const auto name_character = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  };
  return !name.empty() && name.size() <= 64 && name_character(name.front()) && name.front() != '-' && name.front() != '.' &&
         name.front() != '_' && std::all_of(name.begin(), name.end(), name_character) &&
         name.find("..") == std::string_view::npos;
}

const std::vector<std::string_view>& administration_rule_names() {
  static const std::vector<std::string_view> names{kPolicyValueRule,   kTeamKnownRule,     kTeamRequiredRule,
                                                   kTemplateKnownRule, kTemplateExistsRule, kTemplateInUseRule,
                                                   kTemplateValidRule, kChangesNothingRule};
  return names;
}

}  // namespace docket::core
