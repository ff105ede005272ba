#pragma once
// Administering a store from the CLI: `docket policy set`, `docket team add|remove` and
// `docket template add|update|remove`. Each is one admin-only signed commit whose replay line
// (codec/command_json.hpp, `admin_to_json`) names the command; `verify` re-applies it with
// `administer` below to the parent's settings and requires the committed docket.yaml and
// templates/ to equal the result (docs/verify.md, "Administration"). Pure: no I/O.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "docket/core/lifecycle.hpp"
#include "docket/core/policy.hpp"
#include "docket/core/template.hpp"

namespace docket::core {

inline constexpr std::string_view kPolicyValueRule = "policy-value";
inline constexpr std::string_view kTeamKnownRule = "team-known";
inline constexpr std::string_view kTeamRequiredRule = "team-required";
inline constexpr std::string_view kTemplateKnownRule = "template-known";
inline constexpr std::string_view kTemplateExistsRule = "template-exists";
inline constexpr std::string_view kTemplateInUseRule = "template-in-use";
inline constexpr std::string_view kTemplateValidRule = "template-valid";
inline constexpr std::string_view kChangesNothingRule = "changes-nothing";

// One setting `docket policy set KEY VALUE` changes. `key` is its path in docket.yaml
// (`sla.critical`, `max_acceptance`); `range` says in words which values are allowed, and is
// quoted in the message that refuses any other.
struct PolicyKey {
  std::string_view key;
  std::string_view meaning;
  std::string_view range;
};
// Every key, in the order `docket policy show` prints them: sla.<severity>,
// approvals.<severity>, max_acceptance, review_after, expiring_soon, clock_skew,
// max_evidence_size, fail_on, escalation.
const std::vector<PolicyKey>& policy_keys();

// Bounds `policy set` keeps values within, so that every time computed from them (an SLA due
// date, an acceptance expiry, a review date) stays a time docket writes and people read
// (core/time.hpp, kLatestTime), and so that a typo cannot switch a control off.
inline constexpr Duration kShortestSla{60};                  // 1m
inline constexpr Duration kLongestSetDuration{3650 * 86400};  // 3650d, ten years
inline constexpr Duration kShortestAcceptance{3600};          // 1h
inline constexpr Duration kShortestReview{3600};              // 1h
inline constexpr Duration kShortestExpiringSoon{3600};        // 1h
inline constexpr Duration kLongestClockSkew{86400};           // 1d
inline constexpr int kMostApprovals = 100;
inline constexpr std::uint64_t kSmallestEvidenceLimit = 1024;        // 1KiB
inline constexpr std::uint64_t kLargestEvidenceLimit = 1ULL << 40;  // 1TiB

// `docket policy set KEY VALUE`. VALUE as typed: a duration (`12h`, `30d`), a whole number of
// approvals, a size (`512MiB`), a comma-separated list of check findings (`expired,sla-breach`,
// or `none`) or of member e-mails (escalation).
struct PolicySet {
  std::string key;
  std::string value;
  bool operator==(const PolicySet&) const = default;
};
// `docket team add TEAM EMAIL` / `docket team remove TEAM EMAIL`.
struct TeamAdd {
  std::string team;
  Email member;
  bool operator==(const TeamAdd&) const = default;
};
struct TeamRemove {
  std::string team;
  Email member;
  bool operator==(const TeamRemove&) const = default;
};
// `docket template add|update FILE`: the template as read from the file (codec/yaml.hpp).
struct TemplateAdd {
  Template added;
  bool operator==(const TemplateAdd&) const = default;
};
struct TemplateUpdate {
  Template updated;
  bool operator==(const TemplateUpdate&) const = default;
};
struct TemplateRemove {
  std::string name;
  bool operator==(const TemplateRemove&) const = default;
};
using Administration = std::variant<PolicySet, TeamAdd, TeamRemove, TemplateAdd, TemplateUpdate, TemplateRemove>;

// The command's name as its commit trailer and replay line write it: `policy-set`,
// `team-add`, `team-remove`, `template-add`, `template-update`, `template-remove`.
std::string_view administration_name(const Administration& a);
// Every name administration_name gives, in the variant's order.
const std::vector<std::string_view>& administration_names();

// What an administration command changes: the policy and the templates by name.
struct StoreSettings {
  Policy policy;
  std::map<std::string, Template> templates;
  bool operator==(const StoreSettings&) const = default;
};

// Applies `a` to `before` as `ctx.actor` (whose roles come from `ctx.policy`, the policy in
// force before the change). `in_use` lists the exceptions that are not closed and were opened
// from the template a TemplateRemove names (the caller finds them; ignored otherwise).
// Returns the settings after the change. Throws RuleViolation:
//   admin-only        the actor is not an admin;
//   policy-value      an unknown key, or a value of the wrong form or outside its range (the
//                     message gives the range);
//   member-known      a team member or escalation owner who is not a member of the store;
//   team-known        removing from a team that does not exist, or an e-mail not in it;
//   team-required     removing the last member of a team a template routes to;
//   template-known    updating or removing a template the store does not have;
//   template-exists   adding a template the store already has;
//   template-valid    a template name that is not a valid name, or one whose route_to names a
//                     team the policy does not have;
//   template-in-use   removing a template `in_use` exceptions, or docket.yaml's ingest mapping,
//                     use;
//   changes-nothing   the command would leave the settings as they are (nothing to commit).
StoreSettings administer(const StoreSettings& before, const Administration& a, const Context& ctx,
                         const std::vector<ExceptionId>& in_use = {});

// The value of `key` in `policy` as `policy set` takes it and `policy show` prints it
// (`1d`, `2`, `1GiB`, `expired,sla-breach`, `none`). Throws RuleViolation policy-value for an
// unknown key.
std::string policy_value(const Policy& policy, std::string_view key);

// True for a name docket takes for templates and teams: 1 to 64 letters, digits, '-', '_' and
// '.', starting with a letter or digit, without "..". It is a file name under templates/.
bool valid_name(std::string_view name);

// The rules above, by name (part of core::rule_names()).
const std::vector<std::string_view>& administration_rule_names();

}  // namespace docket::core
