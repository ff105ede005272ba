#pragma once
// The store policy, `docket.yaml`: id prefix, SLAs, approvals, durations, teams, members and
// their roles. Changed only by an admin's signed commit.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "docket/core/types.hpp"

namespace docket {

struct Member {
  Email email;
  std::string name;
  std::set<Role> roles;
  bool operator==(const Member&) const = default;
};

// How `docket ingest` maps findings to templates and severities (docket.yaml `ingest`, written
// only when not empty; docs/ingest.md). Keys are `TOOL:RULE` (the tool as docket stores it,
// lower-case, e.g. `prowler:iam_root_mfa_enabled`) or a bare `RULE` for that rule from any tool;
// `TOOL:RULE` wins over `RULE`. core/ingest_mapping.hpp applies it.
struct IngestMapping {
  std::map<std::string, std::string> templates;  // key → template name (must exist in the store)
  std::map<std::string, Severity> severities;    // key → severity, over the one the report gives
  bool empty() const { return templates.empty() && severities.empty(); }
  bool operator==(const IngestMapping&) const = default;
};

struct Policy {
  int version = 1;
  std::string id_prefix = "EX";
  std::map<Severity, Duration> sla{{Severity::critical, {24 * 3600}},
                                   {Severity::high, {3 * 86400}},
                                   {Severity::medium, {14 * 86400}},
                                   {Severity::low, {30 * 86400}}};
  std::map<Severity, int> approvals_required{
      {Severity::critical, 2}, {Severity::high, 1}, {Severity::medium, 1}, {Severity::low, 1}};
  Duration max_acceptance{90 * 86400};
  Duration review_after{30 * 86400};
  Duration expiring_soon{14 * 86400};
  // How far a commit's time may run ahead of the verifier's clock (docs/verify.md, time-future).
  Duration clock_skew{5 * 60};
  // The largest evidence file `docket attach` takes (docket.yaml `max_evidence_size`, written
  // only when not the default): larger files are refused before anything is written.
  std::uint64_t max_evidence_bytes = 1ULL << 30;
  // Which `docket check` findings fail the build: expired, sla-breach, review-overdue, expiring-soon.
  std::set<std::string> fail_on{"expired", "sla-breach"};
  // Named groups that templates route to (`security`, `platform`), and escalation owners.
  std::map<std::string, std::vector<Email>> teams;
  std::vector<Email> escalation;
  std::vector<Member> members;
  IngestMapping ingest;

  const Member* find_member(const Email& e) const;
  bool has_role(const Email& e, Role r) const;
  bool operator==(const Policy&) const = default;
};

}  // namespace docket
