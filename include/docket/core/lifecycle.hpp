#pragma once
// The governed path of an exception (docs/design.md §4) as pure functions: a command applied
// to a record by an actor at a time under a policy gives a new record, or a RuleViolation
// naming the rule that refused it. The CLI and `verify` run the same code.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/template.hpp"

namespace docket::core {

// Who acts, when, under which policy. Everything `apply` depends on is here: no clock, no
// environment, no store.
struct Context {
  Email actor;
  Timestamp now;
  const Policy& policy;
};

struct OpenCommand {
  ExceptionId id;
  std::string title;
  const Template* from_template = nullptr;  // may be null (generic, no checklist)
  std::optional<Severity> severity;         // overrides the template's default
  Identity identity;
  std::vector<Email> owners;  // in addition to the teams the template routes to
  Source source;
  std::vector<ExceptionId> recurrence_of;  // earlier exceptions for the same identity/fingerprint
};

struct Assign { Email to; };
struct Escalate { std::optional<Email> to; std::string reason; };
struct Move { State to; std::string note; };
struct Attach {
  std::vector<Evidence> files;          // digests already computed; stamps filled by apply
  std::optional<std::string> item;      // checklist item the evidence completes
  std::string note;
};
struct CompleteItem { std::string item; std::string note; };
struct RequestResolution {
  Resolution resolution;
  std::string reason;
  std::optional<Timestamp> expires;
  std::vector<std::string> controls;
};
struct Approve { std::string note; };
struct Deny { std::string reason; };
struct Revoke { std::string note; };
struct Renew { Timestamp expires; std::string reason; std::vector<std::string> controls; };
struct Reopen { std::string reason; };
struct RecordReview { std::string note; };
struct AddComment { std::string text; };
// From `docket ingest`: a complete scan by the record's tool no longer reports its finding.
// Sets source.missing_since to now (a sign of remediation, never a closure); `note` names the
// scan for people.
struct MarkNotSeen { std::string note; };
// From `docket ingest`: a finding marked not seen is reported again; clears missing_since.
struct MarkSeen { std::string note; };
// From `docket ingest`: the finding was reported under the identity it has today, and this
// exception still holds the one an earlier docket gave it (docs/ingest.md, "Former
// identities"). Sets source.fingerprint (a `sha256:` hex digest) and source.location (when not
// empty), and clears missing_since: the finding was just reported. Tool and rule never change.
struct Reidentify { std::string fingerprint; std::string location; std::string note; };
// `docket edit`: corrects what `open` set. A field left unset (nullopt, no e-mail listed) stays as
// it is; every part given must change the record (rule edit-changes-nothing), so a replayed edit
// cannot claim a change it did not make. Rules (docs/design.md §4, "Editing"):
// - closed-is-final: a closed exception is not edited (reopen it first);
// - edit-under-approval: severity, identity and system are what approvers decide on, so they
//   are not changed while a request is pending or an acceptance is in force;
// - title-required: the title follows open's rules (not blank, one line, no control character);
// - text-required: a new identity has a non-blank kind and name;
// - severity-lowering: lowering the severity (fewer approvals, a later SLA due date) needs the
//   approver or admin role; raising it needs only edit's role (responder, approver, admin);
// - owner-known / assignee-owner / owner-required: a removed owner is an owner and not the
//   assignee, and the exception keeps at least one owner.
// A severity change sets `due` to opened + the policy's SLA for the new severity (none when the
// policy has none). Every changed field adds one event (retitled, severity-changed,
// identity-changed, system-changed, owner-added, owner-removed) naming the old and new value;
// the event's stamp says who and when.
struct Edit {
  struct Name {
    std::string kind;
    std::string name;
    bool operator==(const Name&) const = default;
  };
  std::optional<std::string> title;
  std::optional<Severity> severity;
  std::optional<Name> identity;       // kind and name; system separately
  std::optional<std::string> system;  // empty clears it
  std::vector<Email> add_owners;
  std::vector<Email> remove_owners;
  bool empty() const {
    return !title && !severity && !identity && !system && add_owners.empty() && remove_owners.empty();
  }
};
// The parts of `edit` that would change `r`: a title, severity, identity or system equal to the
// record's, an owner already present and an e-mail listed twice are left out (the CLI commits
// only what changes; nothing at all is a no-op). An owner to remove is kept even when `r` does
// not have it, so apply refuses it by name (owner-known) instead of ignoring a typo.
Edit effective_edit(const Record& r, const Edit& edit);

using Command = std::variant<Assign, Escalate, Move, Attach, CompleteItem, RequestResolution, Approve, Deny, Revoke,
                             Renew, Reopen, RecordReview, AddComment, MarkNotSeen, MarkSeen, Reidentify, Edit>;

// The command's verb as the CLI names it (`assign`, `move`, `approve` …), for commit messages;
// `edit` for Edit; `not-seen`, `seen-again` and `reidentify` for the ingest marks, which have no command of their own.
std::string_view verb(const Command& c);

// The roles, one of which the actor of a change must hold, and the rule that refuses it otherwise
// (role-required; approver-role for approve and deny; admin-only for configuration). apply and
// open_record check it first; the fork rule (docs/sync.md) checks it again against the other
// side's members.
struct RoleNeed {
  std::vector<Role> any_of;
  std::string_view rule;
  std::string action;  // "approve", "comment" … for messages
};
RoleNeed role_needed(const Command& cmd);
RoleNeed role_needed_to_open();
RoleNeed role_needed_to_configure();  // in membership.cpp, beside admin-only
// Throws RuleViolation member-required when ctx.actor is not a member of ctx.policy, `need.rule`
// when the member holds none of `need.any_of`.
void require_role(const Context& ctx, const RoleNeed& need);

// Creates the record for `open`. Rules: member-required, role-required, title-required,
// recurrence is recorded as given.
Record open_record(const OpenCommand& cmd, const Context& ctx);

// Applies `cmd` to `before`. Throws RuleViolation (ExitCode::refused) naming the rule.
Record apply(const Record& before, const Command& cmd, const Context& ctx);

// States a `move` may go to from `from` (the graph's forward steps plus remediating→investigating).
std::vector<State> allowed_moves(State from);

// The number of approvals the policy asks for at this severity.
int approvals_required(const Policy& policy, Severity severity);
// Approvals counted for the current request round.
int approvals_in_current_round(const Record& r);
// Who approved the outcome in force: the approvals (not denials) of the round whose last
// approval decided it (the approval stamped with `outcome.decided`), in the order given. Empty
// when there is no outcome or no approval decided it (a revocation is decided by no approval).
// A pending renewal's round does not count: the acceptance in force is the earlier round's.
std::vector<Stamp> deciding_approvals(const Record& r);
// The request of that round (its reason, compensating controls and asked-for expiry); null when
// deciding_approvals is empty.
const Request* deciding_request(const Record& r);

// Names of every rule apply/open_record can refuse with, for documentation and tests.
const std::vector<std::string_view>& rule_names();

// Rule evidence-size: a file `name` of `bytes` bytes is within policy.max_evidence_bytes. apply
// checks every attached file; `docket attach` checks before reading and as it reads.
void require_evidence_size(std::string_view name, std::uint64_t bytes, const Policy& policy);

}  // namespace docket::core
