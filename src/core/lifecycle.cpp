#include "docket/core/lifecycle.hpp"

#include <algorithm>
#include <set>

#include "docket/core/administration.hpp"
#include "docket/core/error.hpp"
#include "docket/core/membership.hpp"
#include "docket/core/overloaded.hpp"
#include "docket/core/time.hpp"

namespace docket::core {
namespace {

// Rule names are stable: users see them in refusals, `verify` reports them, tests match them.
constexpr std::string_view kMemberRequired = "member-required";
constexpr std::string_view kRoleRequired = "role-required";
constexpr std::string_view kTitleRequired = "title-required";
constexpr std::string_view kReasonRequired = "reason-required";
constexpr std::string_view kClosedIsFinal = "closed-is-final";
constexpr std::string_view kLifecycleTransition = "lifecycle-transition";
constexpr std::string_view kAssigneeMember = "assignee-member";
constexpr std::string_view kChecklistItemKnown = "checklist-item-known";
constexpr std::string_view kChecklistItemOnce = "checklist-item-once";
constexpr std::string_view kEvidenceRequired = "evidence-required";
constexpr std::string_view kChecklistComplete = "checklist-complete";
constexpr std::string_view kAcceptanceExpiry = "acceptance-expiry";
constexpr std::string_view kAcceptanceMaxDuration = "acceptance-max-duration";
constexpr std::string_view kAcceptanceControls = "acceptance-controls";
constexpr std::string_view kApproverRole = "approver-role";
constexpr std::string_view kSeparationOfDuties = "separation-of-duties";
constexpr std::string_view kOneVotePerRound = "one-vote-per-round";
constexpr std::string_view kEscalationTarget = "escalation-target";
constexpr std::string_view kTextRequired = "text-required";
constexpr std::string_view kSightingChange = "sighting-change";
constexpr std::string_view kEvidenceSize = "evidence-size";
constexpr std::string_view kEditChangesNothing = "edit-changes-nothing";
constexpr std::string_view kEditUnderApproval = "edit-under-approval";
constexpr std::string_view kSeverityLowering = "severity-lowering";
constexpr std::string_view kOwnerKnown = "owner-known";
constexpr std::string_view kAssigneeOwner = "assignee-owner";
constexpr std::string_view kOwnerRequired = "owner-required";

[[noreturn]] void refuse(std::string_view rule, std::string what, std::string hint = {}) {
  throw RuleViolation(std::string(rule), std::move(what), std::move(hint));
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string roles_text(const std::set<Role>& roles) {
  std::string out;
  for (auto r : roles) {
    if (!out.empty()) out += ", ";
    out += to_string(r);
  }
  return out;
}

const std::vector<Role> kResponders = {Role::responder, Role::approver, Role::admin};
const std::vector<Role> kAnyRole = {Role::reporter, Role::responder, Role::approver, Role::admin};
const std::vector<Role> kApprovers = {Role::approver};

void require_text(std::string_view rule, std::string_view text, std::string_view what) {
  if (blank(text)) refuse(rule, std::string(what) + " is empty", "give " + std::string(what) + " as a non-empty text");
}

void require_not_closed(const Record& r, std::string_view action) {
  if (r.state == State::closed)
    refuse(kClosedIsFinal, r.id.str() + " is closed; " + std::string(action) + " is not possible on a closed exception",
           "reopen it first: docket reopen " + r.id.str() + " --reason TEXT");
}

void add_event(Record& r, const Context& ctx, std::string action, std::string detail) {
  r.events.push_back(Event{{ctx.now, ctx.actor}, std::move(action), std::move(detail)});
}

void add_owner(Record& r, const Email& e) {
  if (std::find(r.owners.begin(), r.owners.end(), e) == r.owners.end()) r.owners.push_back(e);
}

ChecklistItem& find_item_or_refuse(Record& r, const std::string& item_id) {
  for (auto& item : r.checklist)
    if (item.id == item_id) return item;
  std::string known;
  for (const auto& item : r.checklist) known += (known.empty() ? "" : ", ") + item.id;
  refuse(kChecklistItemKnown, r.id.str() + " has no checklist item " + quoted(item_id),
         known.empty() ? "this exception has no checklist" : "its items are: " + known);
}

std::vector<std::string> open_items(const Record& r) {
  std::vector<std::string> out;
  for (const auto& item : r.checklist)
    if (!item.done) out.push_back(item.id);
  return out;
}

void check_acceptance_terms(const Record& r, std::optional<Timestamp> expires, const std::vector<std::string>& controls,
                            const Context& ctx) {
  if (!expires)
    refuse(kAcceptanceExpiry, "an acceptance of " + r.id.str() + " needs an expiry",
           "add --expires TIME (RFC 3339 or a duration such as 30d)");
  if (*expires <= ctx.now)
    refuse(kAcceptanceExpiry, "the expiry " + format_rfc3339(*expires) + " is not in the future",
           "choose a later time with --expires");
  const Timestamp latest = add_clamped(ctx.now, ctx.policy.max_acceptance);
  if (*expires > latest)
    refuse(kAcceptanceMaxDuration,
           "the expiry " + format_rfc3339(*expires) + " is beyond the policy's maximum acceptance of " +
               format_duration(ctx.policy.max_acceptance) + " (latest " + format_rfc3339(latest) + ")",
           "choose --expires no later than " + format_rfc3339(latest));
  if (std::none_of(controls.begin(), controls.end(), [](const std::string& c) { return !blank(c); }))
    refuse(kAcceptanceControls, "an acceptance of " + r.id.str() + " needs at least one compensating control",
           "add --control TEXT describing what limits the risk meanwhile");
}

Record apply_assign(Record r, const Assign& c, const Context& ctx) {
  require_not_closed(r, "assign");
  if (!ctx.policy.find_member(c.to))
    refuse(kAssigneeMember, c.to.str() + " is not a member of this store, so could not act on " + r.id.str(),
           "assign a member, or ask an admin to add them with: docket member add");
  r.assignee = c.to;
  add_owner(r, c.to);
  add_event(r, ctx, "assigned", c.to.str());
  return r;
}

Record apply_escalate(Record r, const Escalate& c, const Context& ctx) {
  require_not_closed(r, "escalate");
  require_text(kReasonRequired, c.reason, "the reason");
  std::vector<Email> targets;
  if (c.to) targets.push_back(*c.to);
  else targets = ctx.policy.escalation;
  if (targets.empty())
    refuse(kEscalationTarget, "the policy names no escalation owners and no --to was given",
           "give --to EMAIL, or add escalation owners to docket.yaml");
  std::string detail;
  for (const auto& t : targets) {
    add_owner(r, t);
    detail += (detail.empty() ? "" : ", ") + t.str();
  }
  add_event(r, ctx, "escalated", "to " + detail + ": " + c.reason);
  return r;
}

Record apply_move(Record r, const Move& c, const Context& ctx) {
  require_not_closed(r, "move");
  const auto allowed = allowed_moves(r.state);
  if (std::find(allowed.begin(), allowed.end(), c.to) == allowed.end()) {
    std::string next;
    for (auto s : allowed) next += (next.empty() ? "" : ", ") + std::string(to_string(s));
    refuse(kLifecycleTransition,
           r.id.str() + " cannot move from " + std::string(to_string(r.state)) + " to " + std::string(to_string(c.to)),
           next.empty() ? "from " + std::string(to_string(r.state)) + " use request/approve/revoke/renew instead of move"
                        : "from " + std::string(to_string(r.state)) + " it may move to: " + next);
  }
  add_event(r, ctx, "moved", std::string(to_string(r.state)) + " -> " + std::string(to_string(c.to)) +
                                 (c.note.empty() ? "" : ": " + c.note));
  r.state = c.to;
  return r;
}

Record apply_attach(Record r, const Attach& c, const Context& ctx) {
  if (c.files.empty()) refuse(kEvidenceRequired, "no evidence files were given", "name at least one FILE");
  for (const auto& file : c.files) require_evidence_size(file.name, file.size, ctx.policy);
  ChecklistItem* item = nullptr;
  if (c.item) {
    require_not_closed(r, "completing a checklist item");
    item = &find_item_or_refuse(r, *c.item);
    if (item->done)
      refuse(kChecklistItemOnce, "checklist item " + quoted(item->id) + " of " + r.id.str() + " is already done",
             "attach without --item to add more evidence");
  }
  std::vector<Sha256Digest> digests;
  for (auto e : c.files) {
    e.added = {ctx.now, ctx.actor};
    if (e.note.empty()) e.note = c.note;
    digests.push_back(e.digest);
    // The same content attached twice is one piece of evidence: the list stays a set of digests.
    if (!r.has_evidence(e.digest)) r.evidence.push_back(std::move(e));
  }
  if (item) item->done = Completion{{ctx.now, ctx.actor}, digests, c.note};
  return r;
}

Record apply_complete(Record r, const CompleteItem& c, const Context& ctx) {
  require_not_closed(r, "completing a checklist item");
  ChecklistItem& item = find_item_or_refuse(r, c.item);
  if (item.done)
    refuse(kChecklistItemOnce, "checklist item " + quoted(item.id) + " of " + r.id.str() + " is already done");
  if (item.evidence_required)
    refuse(kEvidenceRequired, "checklist item " + quoted(item.id) + " needs evidence",
           "attach it: docket attach " + r.id.str() + " FILE --item " + item.id);
  item.done = Completion{{ctx.now, ctx.actor}, {}, c.note};
  return r;
}

Record apply_request(Record r, const RequestResolution& c, const Context& ctx) {
  require_not_closed(r, "a request");
  if (r.state != State::investigating && r.state != State::remediating)
    refuse(kLifecycleTransition,
           "a resolution may be requested from investigating or remediating; " + r.id.str() + " is " +
               std::string(to_string(r.state)),
           r.state == State::accepted ? "use docket renew or docket revoke" : "move it forward first with docket move");
  if (c.resolution == Resolution::revoked)
    refuse(kLifecycleTransition, "'revoked' is not requested; it ends an acceptance", "use docket revoke");
  require_text(kReasonRequired, c.reason, "the reason");
  const auto missing = open_items(r);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    refuse(kChecklistComplete, r.id.str() + " has unfinished checklist items: " + list,
           "finish them with docket attach ID FILE --item ITEM or docket done ID ITEM");
  }
  if (c.resolution == Resolution::accepted) check_acceptance_terms(r, c.expires, c.controls, ctx);
  Request req;
  req.round = r.requests.empty() ? 1 : r.requests.back().round + 1;
  req.resolution = c.resolution;
  req.reason = c.reason;
  if (c.resolution == Resolution::accepted) {
    req.expires = c.expires;
    req.controls = c.controls;
  }
  req.requested = {ctx.now, ctx.actor};
  add_event(r, ctx, "requested", std::string(to_string(c.resolution)) + " (round " + std::to_string(req.round) + ")");
  r.requests.push_back(std::move(req));
  r.state = State::pending_approval;
  return r;
}

// Separation of duties: the one who asks, opened or is working the exception cannot also
// approve it, so every deviation has a second pair of eyes.
void check_decider(const Record& r, const Context& ctx, std::string_view action) {
  if (r.state != State::pending_approval || !r.current_request())
    refuse(kLifecycleTransition, r.id.str() + " is " + std::string(to_string(r.state)) + ", not pending-approval",
           "request a resolution first with docket request");
  const Request& req = *r.current_request();
  if (req.requested.by == ctx.actor)
    refuse(kSeparationOfDuties, ctx.actor.str() + " requested this resolution and may not " + std::string(action) + " it",
           "ask another approver");
  if (r.opened.by == ctx.actor)
    refuse(kSeparationOfDuties, ctx.actor.str() + " opened " + r.id.str() + " and may not " + std::string(action) + " it",
           "ask another approver");
  if (r.assignee && *r.assignee == ctx.actor)
    refuse(kSeparationOfDuties, ctx.actor.str() + " is assigned to " + r.id.str() + " and may not " + std::string(action) + " it",
           "ask another approver");
  // Whoever changed the severity chose how many approvals the decision needs (policy approvals
  // per severity): they may not also be one of them.
  for (const auto& e : r.events)
    if (e.action == "severity-changed" && e.stamp.by == ctx.actor)
      refuse(kSeparationOfDuties,
             ctx.actor.str() + " changed the severity of " + r.id.str() + " and may not " + std::string(action) + " it",
             "ask another approver");
  for (const auto& a : r.approvals)
    if (a.round == req.round && a.stamp.by == ctx.actor)
      refuse(kOneVotePerRound, ctx.actor.str() + " already decided round " + std::to_string(req.round) + " of " + r.id.str());
}

Record apply_approve(Record r, const Approve& c, const Context& ctx) {
  check_decider(r, ctx, "approve");
  const Request req = *r.current_request();
  r.approvals.push_back(Approval{req.round, Decision::approve, {ctx.now, ctx.actor}, c.note});
  const int have = approvals_in_current_round(r);
  const int need = approvals_required(ctx.policy, r.severity);
  add_event(r, ctx, "approved", "round " + std::to_string(req.round) + ", " + std::to_string(have) + " of " + std::to_string(need));
  if (have < need) return r;
  r.outcome = Outcome{req.resolution, {ctx.now, ctx.actor}, req.reason, std::nullopt};
  if (req.resolution == Resolution::accepted) {
    r.outcome->expires = req.expires;
    r.state = State::accepted;
    add_event(r, ctx, "accepted", "until " + format_rfc3339(*req.expires));
  } else {
    r.state = State::closed;
    r.review = Review{add_in_range(ctx.now, ctx.policy.review_after, "the post-closure review's due date"), std::nullopt, {}};
    add_event(r, ctx, "closed", std::string(to_string(req.resolution)));
  }
  return r;
}

Record apply_deny(Record r, const Deny& c, const Context& ctx) {
  check_decider(r, ctx, "deny");
  require_text(kReasonRequired, c.reason, "the reason");
  const Request& req = *r.current_request();
  r.approvals.push_back(Approval{req.round, Decision::deny, {ctx.now, ctx.actor}, c.reason});
  add_event(r, ctx, "denied", "round " + std::to_string(req.round) + ": " + c.reason);
  // A denied renewal leaves the earlier acceptance as it was (it still expires when it did);
  // a denied first request sends the work back to remediation.
  const bool renewal = r.outcome && r.outcome->resolution == Resolution::accepted;
  r.state = renewal ? State::accepted : State::remediating;
  return r;
}

Record apply_revoke(Record r, const Revoke& c, const Context& ctx) {
  // An acceptance stays revocable while its renewal waits for approval.
  const bool renewal_pending = r.state == State::pending_approval && r.outcome && r.outcome->resolution == Resolution::accepted;
  if (r.state != State::accepted && !renewal_pending)
    refuse(kLifecycleTransition, r.id.str() + " is " + std::string(to_string(r.state)) + "; only an accepted exception can be revoked");
  r.outcome = Outcome{Resolution::revoked, {ctx.now, ctx.actor}, c.note, r.outcome ? r.outcome->expires : std::nullopt};
  r.state = State::closed;
  r.review = Review{add_in_range(ctx.now, ctx.policy.review_after, "the post-closure review's due date"), std::nullopt, {}};
  add_event(r, ctx, "revoked", c.note);
  return r;
}

Record apply_renew(Record r, const Renew& c, const Context& ctx) {
  if (r.state != State::accepted)
    refuse(kLifecycleTransition, r.id.str() + " is " + std::string(to_string(r.state)) + "; only an accepted exception can be renewed");
  require_text(kReasonRequired, c.reason, "the reason");
  const Request* previous = r.current_request();
  const auto controls = c.controls.empty() && previous ? previous->controls : c.controls;
  check_acceptance_terms(r, c.expires, controls, ctx);
  Request req;
  req.round = previous ? previous->round + 1 : 1;
  req.resolution = Resolution::accepted;
  req.reason = c.reason;
  req.expires = c.expires;
  req.controls = controls;
  req.requested = {ctx.now, ctx.actor};
  add_event(r, ctx, "renewal-requested", "until " + format_rfc3339(c.expires) + " (round " + std::to_string(req.round) + ")");
  r.requests.push_back(std::move(req));
  // The acceptance in force keeps its own expiry until the renewal is approved: it is never
  // silently extended.
  r.state = State::pending_approval;
  return r;
}

Record apply_reopen(Record r, const Reopen& c, const Context& ctx) {
  if (r.state != State::closed)
    refuse(kLifecycleTransition, r.id.str() + " is " + std::string(to_string(r.state)) + "; only a closed exception can be reopened");
  require_text(kReasonRequired, c.reason, "the reason");
  add_event(r, ctx, "reopened", c.reason);
  r.state = State::investigating;
  r.outcome.reset();
  r.review = Review{};
  return r;
}

Record apply_review(Record r, const RecordReview& c, const Context& ctx) {
  if (r.state != State::closed)
    refuse(kLifecycleTransition, r.id.str() + " is " + std::string(to_string(r.state)) + "; a post-closure review needs a closed exception");
  require_text(kTextRequired, c.note, "the review note");
  if (r.review.done)
    refuse(kChecklistItemOnce, "the post-closure review of " + r.id.str() + " was already recorded",
           "add a comment instead: docket comment " + r.id.str() + " TEXT");
  r.review.done = Stamp{ctx.now, ctx.actor};
  r.review.note = c.note;
  add_event(r, ctx, "reviewed", c.note);
  return r;
}

Record apply_comment(Record r, const AddComment& c, const Context& ctx) {
  require_text(kTextRequired, c.text, "the comment");
  r.comments.push_back(Comment{{ctx.now, ctx.actor}, c.text});
  return r;
}

// Scan sightings only inform: they never move the state, so a scanner that stops reporting a
// finding cannot close an exception by itself. Each mark must change something, so a replayed
// commit cannot claim a mark that was not made.
Record apply_not_seen(Record r, const MarkNotSeen& c, const Context& ctx) {
  require_not_closed(r, "marking a finding not seen");
  if (r.source.fingerprint.empty())
    refuse(kSightingChange, r.id.str() + " has no finding fingerprint, so no scan can miss it",
           "only exceptions opened from a scanner finding are marked not seen");
  if (r.source.missing_since)
    refuse(kSightingChange, r.id.str() + " is already marked not seen since " + format_rfc3339(*r.source.missing_since));
  r.source.missing_since = ctx.now;
  add_event(r, ctx, "not-seen", c.note);
  return r;
}

Record apply_seen(Record r, const MarkSeen& c, const Context& ctx) {
  require_not_closed(r, "marking a finding seen again");
  if (!r.source.missing_since)
    refuse(kSightingChange, r.id.str() + " is not marked not seen, so it cannot be seen again");
  r.source.missing_since.reset();
  add_event(r, ctx, "seen-again", c.note);
  return r;
}

bool is_sha256_fingerprint(std::string_view text) {
  return text.size() == 71 && text.starts_with("sha256:") &&
         text.find_first_not_of("0123456789abcdef", 7) == std::string_view::npos;
}

Record apply_reidentify(Record r, const Reidentify& c, const Context& ctx) {
  require_not_closed(r, "giving a finding its current identity");
  if (r.source.fingerprint.empty())
    refuse(kSightingChange, r.id.str() + " has no finding fingerprint, so it has no identity to update");
  if (!is_sha256_fingerprint(c.fingerprint))
    refuse(kSightingChange, "the new fingerprint of " + r.id.str() + " is not a sha256:<64 hex digits> digest");
  if (c.fingerprint == r.source.fingerprint)
    refuse(kSightingChange, r.id.str() + " already has fingerprint " + c.fingerprint);
  r.source.fingerprint = c.fingerprint;
  if (!c.location.empty()) r.source.location = c.location;
  r.source.missing_since.reset();
  add_event(r, ctx, "reidentify", c.note);
  return r;
}

// Rule title-required, for open and edit: a title is one non-blank line without control characters.
void require_title(std::string_view title) {
  if (blank(title)) refuse(kTitleRequired, "the title is empty", "give --title TEXT");
  if (std::any_of(title.begin(), title.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    refuse(kTitleRequired, "the title has a line break or control character", "give a one-line --title; put details in a comment");
}

std::string identity_text(std::string_view kind, std::string_view name) {
  if (kind.empty() && name.empty()) return "none";
  return std::string(kind) + ":" + std::string(name);
}

std::string due_text(const std::optional<Timestamp>& due) { return due ? format_rfc3339(*due) : std::string("none"); }

bool has_owner(const Record& r, const Email& e) { return std::find(r.owners.begin(), r.owners.end(), e) != r.owners.end(); }

// Severities from the least to the most severe are low < medium < high < critical.
bool less_severe(Severity a, Severity b) { return static_cast<int>(a) > static_cast<int>(b); }

Record apply_edit(Record r, const Edit& c, const Context& ctx) {
  require_not_closed(r, "an edit");
  if (c.empty())
    refuse(kEditChangesNothing, "the edit of " + r.id.str() + " names nothing to change",
           "give --title, --severity, --identity, --system, --add-owner or --remove-owner");
  for (const auto& e : c.add_owners)
    if (std::find(c.remove_owners.begin(), c.remove_owners.end(), e) != c.remove_owners.end())
      refuse(kEditChangesNothing, "the edit of " + r.id.str() + " both adds and removes the owner " + e.str(),
             "give " + e.str() + " with --add-owner or with --remove-owner, not both");
  const auto unchanged = [&](const std::string& what) {
    refuse(kEditChangesNothing, r.id.str() + " already has " + what + "; an edit changes what it names");
  };
  if ((c.severity || c.identity || c.system) && (r.state == State::pending_approval || r.state == State::accepted))
    refuse(kEditUnderApproval,
           r.id.str() + " is " + std::string(to_string(r.state)) +
               ": its severity, identity and system are what the approvers decide on and are not changed under them",
           r.state == State::accepted
               ? "revoke the acceptance (docket revoke), reopen it, edit it and request a decision again"
               : "wait for the decision (or have an approver deny it), then edit it and request again");
  if (c.title) {
    require_title(*c.title);
    if (*c.title == r.title) unchanged("the title '" + r.title + "'");
    add_event(r, ctx, "retitled", "title '" + r.title + "' -> '" + *c.title + "'");
    r.title = *c.title;
  }
  if (c.severity) {
    if (*c.severity == r.severity) unchanged("severity " + std::string(to_string(r.severity)));
    if (less_severe(*c.severity, r.severity) && !ctx.policy.has_role(ctx.actor, Role::approver) &&
        !ctx.policy.has_role(ctx.actor, Role::admin))
      refuse(kSeverityLowering,
             ctx.actor.str() + " may not lower the severity of " + r.id.str() + " from " + std::string(to_string(r.severity)) +
                 " to " + std::string(to_string(*c.severity)) + ": that needs the approver or admin role",
             "ask an approver or admin to lower it; raising a severity needs only the responder role");
    std::optional<Timestamp> due;
    const auto sla = ctx.policy.sla.find(*c.severity);
    if (sla != ctx.policy.sla.end()) due = add_in_range(r.opened.at, sla->second, "the SLA due date");
    add_event(r, ctx, "severity-changed",
              "severity " + std::string(to_string(r.severity)) + " -> " + std::string(to_string(*c.severity)) + ", due " +
                  due_text(r.due) + " -> " + due_text(due));
    r.severity = *c.severity;
    r.due = due;
  }
  // An edited identity or system is one line of text, like a title (the history shows it in one).
  const auto one_line = [&](std::string_view text, std::string_view what) {
    if (std::any_of(text.begin(), text.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }))
      refuse(kTextRequired, "the new " + std::string(what) + " of " + r.id.str() + " has a line break or control character",
             "give it on one line");
    if (text.size() > 1024)
      refuse(kTextRequired, "the new " + std::string(what) + " of " + r.id.str() + " is longer than 1024 bytes",
             "give a shorter " + std::string(what));
  };
  if (c.identity) {
    if (blank(c.identity->kind) || blank(c.identity->name))
      refuse(kTextRequired, "the new identity of " + r.id.str() + " needs a kind and a name", "give --identity KIND:NAME");
    one_line(c.identity->kind, "identity kind");
    one_line(c.identity->name, "identity name");
    if (c.identity->kind == r.identity.kind && c.identity->name == r.identity.name)
      unchanged("the identity " + identity_text(r.identity.kind, r.identity.name));
    add_event(r, ctx, "identity-changed",
              "identity " + identity_text(r.identity.kind, r.identity.name) + " -> " +
                  identity_text(c.identity->kind, c.identity->name));
    r.identity.kind = c.identity->kind;
    r.identity.name = c.identity->name;
  }
  if (c.system) {
    one_line(*c.system, "system");
    if (*c.system == r.identity.system) unchanged("the system '" + r.identity.system + "'");
    add_event(r, ctx, "system-changed", "system '" + r.identity.system + "' -> '" + *c.system + "'");
    r.identity.system = *c.system;
  }
  for (const auto& e : c.add_owners) {
    if (has_owner(r, e)) unchanged("owner " + e.str());
    r.owners.push_back(e);
    add_event(r, ctx, "owner-added", "owner " + e.str() + " added");
  }
  for (const auto& e : c.remove_owners) {
    if (!has_owner(r, e)) {
      std::string owners;
      for (const auto& o : r.owners) owners += (owners.empty() ? "" : ", ") + o.str();
      refuse(kOwnerKnown, e.str() + " is not an owner of " + r.id.str(), "its owners are: " + owners);
    }
    if (r.assignee && *r.assignee == e)
      refuse(kAssigneeOwner, e.str() + " is assigned to " + r.id.str() + " and stays an owner while assigned",
             "assign someone else first: docket assign " + r.id.str() + " EMAIL");
    std::erase(r.owners, e);
    add_event(r, ctx, "owner-removed", "owner " + e.str() + " removed");
  }
  if (r.owners.empty())
    refuse(kOwnerRequired, "the edit would leave " + r.id.str() + " without an owner",
           "add another owner in the same edit: --add-owner EMAIL");
  return r;
}

}  // namespace

std::string_view verb(const Command& c) {
  return std::visit(overloaded{[](const Assign&) { return std::string_view("assign"); },
                               [](const Escalate&) { return std::string_view("escalate"); },
                               [](const Move&) { return std::string_view("move"); },
                               [](const Attach&) { return std::string_view("attach"); },
                               [](const CompleteItem&) { return std::string_view("done"); },
                               [](const RequestResolution&) { return std::string_view("request"); },
                               [](const Approve&) { return std::string_view("approve"); },
                               [](const Deny&) { return std::string_view("deny"); },
                               [](const Revoke&) { return std::string_view("revoke"); },
                               [](const Renew&) { return std::string_view("renew"); },
                               [](const Reopen&) { return std::string_view("reopen"); },
                               [](const RecordReview&) { return std::string_view("review"); },
                               [](const AddComment&) { return std::string_view("comment"); },
                               [](const MarkNotSeen&) { return std::string_view("not-seen"); },
                               [](const MarkSeen&) { return std::string_view("seen-again"); },
                               [](const Reidentify&) { return std::string_view("reidentify"); },
                               [](const Edit&) { return std::string_view("edit"); }},
                    c);
}

RoleNeed role_needed(const Command& c) {
  auto need = [](const std::vector<Role>& roles, std::string action) {
    return RoleNeed{roles, roles == kApprovers ? kApproverRole : kRoleRequired, std::move(action)};
  };
  return std::visit(overloaded{[&](const Assign&) { return need(kResponders, "assign exceptions"); },
                               [&](const Escalate&) { return need(kResponders, "escalate exceptions"); },
                               [&](const Move&) { return need(kResponders, "move exceptions"); },
                               [&](const Attach& a) {
                                 return a.item ? need(kResponders, "complete checklist items") : need(kAnyRole, "attach evidence");
                               },
                               [&](const CompleteItem&) { return need(kResponders, "complete checklist items"); },
                               [&](const RequestResolution&) { return need(kResponders, "request a resolution"); },
                               [&](const Approve&) { return need(kApprovers, "approve"); },
                               [&](const Deny&) { return need(kApprovers, "deny"); },
                               [&](const Revoke&) { return need(kResponders, "revoke an acceptance"); },
                               [&](const Renew&) { return need(kResponders, "renew an acceptance"); },
                               [&](const Reopen&) { return need(kResponders, "reopen exceptions"); },
                               [&](const RecordReview&) { return need(kResponders, "record a post-closure review"); },
                               [&](const AddComment&) { return need(kAnyRole, "comment"); },
                               [&](const MarkNotSeen&) { return need(kAnyRole, "record scan results"); },
                               [&](const MarkSeen&) { return need(kAnyRole, "record scan results"); },
                               [&](const Reidentify&) { return need(kAnyRole, "record scan results"); },
                               [&](const Edit&) { return need(kResponders, "edit exceptions"); }},
                    c);
}

RoleNeed role_needed_to_open() { return RoleNeed{kAnyRole, kRoleRequired, "open exceptions"}; }

// The actor must be a member with one of the needed roles. Prevents anyone outside docket.yaml,
// or a CI reporter, from driving an exception.
void require_role(const Context& ctx, const RoleNeed& need) {
  const Member* m = ctx.policy.find_member(ctx.actor);
  if (!m)
    refuse(kMemberRequired, ctx.actor.str() + " is not a member of this store and may not " + need.action,
           "ask an admin to run: docket member add " + ctx.actor.str() + " --key KEY.pub --role responder");
  for (auto r : need.any_of)
    if (m->roles.count(r)) return;
  std::string needed;
  for (auto r : need.any_of) {
    if (!needed.empty()) needed += " or ";
    needed += to_string(r);
  }
  refuse(need.rule,
         ctx.actor.str() + " (" + roles_text(m->roles) + ") may not " + need.action + ": it needs the " + needed + " role",
         need.any_of == kApprovers ? "ask a member with the approver role"
                                   : "ask an admin to grant the role, or have a member who holds it do this");
}

std::vector<State> allowed_moves(State from) {
  switch (from) {
    case State::open: return {State::triaged};
    case State::triaged: return {State::investigating};
    case State::investigating: return {State::remediating};
    case State::remediating: return {State::investigating};
    default: return {};
  }
}

int approvals_required(const Policy& policy, Severity severity) {
  const auto it = policy.approvals_required.find(severity);
  return it == policy.approvals_required.end() ? 1 : std::max(1, it->second);
}

int approvals_in_current_round(const Record& r) {
  const Request* req = r.current_request();
  if (!req) return 0;
  return static_cast<int>(std::count_if(r.approvals.begin(), r.approvals.end(), [&](const Approval& a) {
    return a.round == req->round && a.decision == Decision::approve;
  }));
}

// The approval stamped with the outcome's decision time and author: the one that decided it.
static const Approval* deciding_approval(const Record& r) {
  if (!r.outcome) return nullptr;
  const auto decider = std::find_if(r.approvals.begin(), r.approvals.end(), [&](const Approval& a) {
    return a.decision == Decision::approve && a.stamp == r.outcome->decided;
  });
  return decider == r.approvals.end() ? nullptr : &*decider;
}

std::vector<Stamp> deciding_approvals(const Record& r) {
  const Approval* decider = deciding_approval(r);
  if (!decider) return {};
  std::vector<Stamp> out;
  for (const auto& a : r.approvals)
    if (a.round == decider->round && a.decision == Decision::approve) out.push_back(a.stamp);
  return out;
}

const Request* deciding_request(const Record& r) {
  const Approval* decider = deciding_approval(r);
  if (!decider) return nullptr;
  const auto it = std::find_if(r.requests.begin(), r.requests.end(), [&](const Request& q) { return q.round == decider->round; });
  return it == r.requests.end() ? nullptr : &*it;
}

// Every stamp a command writes is the context's clock: it must be a time docket can read back.
static void require_clock_in_range(const Context& ctx) {
  if (!in_time_range(ctx.now))
    refuse(kTimeRangeRule, "the clock (" + std::to_string(ctx.now.seconds) + " s since 1970) is outside 1970-01-01 .. 9999-12-31",
           "check the system clock and DOCKET_NOW");
}

Record open_record(const OpenCommand& cmd, const Context& ctx) {
  require_role(ctx, role_needed_to_open());
  require_clock_in_range(ctx);
  require_title(cmd.title);
  Record r;
  r.id = cmd.id;
  r.title = cmd.title;
  r.state = State::open;
  r.opened = {ctx.now, ctx.actor};
  r.identity = cmd.identity;
  r.source = cmd.source;
  r.source.missing_since.reset();  // a finding being opened was just seen
  r.recurrence_of = cmd.recurrence_of;
  if (const Template* t = cmd.from_template) {
    r.template_name = t->name;
    r.severity = t->severity;
    r.frameworks = t->frameworks;
    if (r.identity.kind.empty() && !r.identity.name.empty()) r.identity.kind = t->identity_kind;
    for (const auto& item : t->checklist) r.checklist.push_back(ChecklistItem{item.id, item.text, item.evidence_required, std::nullopt});
    for (const auto& team : t->route_to) {
      const auto it = ctx.policy.teams.find(team);
      if (it != ctx.policy.teams.end())
        for (const auto& e : it->second) add_owner(r, e);
    }
  }
  if (cmd.severity) r.severity = *cmd.severity;
  for (const auto& o : cmd.owners) add_owner(r, o);
  if (r.owners.empty()) add_owner(r, ctx.actor);
  const auto sla = ctx.policy.sla.find(r.severity);
  if (sla != ctx.policy.sla.end()) r.due = add_in_range(ctx.now, sla->second, "the SLA due date");
  return r;
}

Record apply(const Record& before, const Command& cmd, const Context& ctx) {
  require_role(ctx, role_needed(cmd));
  require_clock_in_range(ctx);
  return std::visit(overloaded{[&](const Assign& c) { return apply_assign(before, c, ctx); },
                               [&](const Escalate& c) { return apply_escalate(before, c, ctx); },
                               [&](const Move& c) { return apply_move(before, c, ctx); },
                               [&](const Attach& c) { return apply_attach(before, c, ctx); },
                               [&](const CompleteItem& c) { return apply_complete(before, c, ctx); },
                               [&](const RequestResolution& c) { return apply_request(before, c, ctx); },
                               [&](const Approve& c) { return apply_approve(before, c, ctx); },
                               [&](const Deny& c) { return apply_deny(before, c, ctx); },
                               [&](const Revoke& c) { return apply_revoke(before, c, ctx); },
                               [&](const Renew& c) { return apply_renew(before, c, ctx); },
                               [&](const Reopen& c) { return apply_reopen(before, c, ctx); },
                               [&](const RecordReview& c) { return apply_review(before, c, ctx); },
                               [&](const AddComment& c) { return apply_comment(before, c, ctx); },
                               [&](const MarkNotSeen& c) { return apply_not_seen(before, c, ctx); },
                               [&](const MarkSeen& c) { return apply_seen(before, c, ctx); },
                               [&](const Reidentify& c) { return apply_reidentify(before, c, ctx); },
                               [&](const Edit& c) { return apply_edit(before, c, ctx); }},
                    cmd);
}

Edit effective_edit(const Record& r, const Edit& edit) {
  Edit out;
  if (edit.title && *edit.title != r.title) out.title = edit.title;
  if (edit.severity && *edit.severity != r.severity) out.severity = edit.severity;
  if (edit.identity && !(edit.identity->kind == r.identity.kind && edit.identity->name == r.identity.name))
    out.identity = edit.identity;
  if (edit.system && *edit.system != r.identity.system) out.system = edit.system;
  for (const auto& e : edit.add_owners)
    if (!has_owner(r, e) && std::find(out.add_owners.begin(), out.add_owners.end(), e) == out.add_owners.end())
      out.add_owners.push_back(e);
  for (const auto& e : edit.remove_owners)
    if (std::find(out.remove_owners.begin(), out.remove_owners.end(), e) == out.remove_owners.end())
      out.remove_owners.push_back(e);
  return out;
}

void require_evidence_size(std::string_view name, std::uint64_t bytes, const Policy& policy) {
  if (bytes <= policy.max_evidence_bytes) return;
  refuse(kEvidenceSize,
         std::string(name) + " is larger than the store's evidence limit of " + format_byte_size(policy.max_evidence_bytes) +
             " (max_evidence_size in docket.yaml)",
         "attach a smaller excerpt or a compressed archive, or have an admin raise max_evidence_size");
}

const std::vector<std::string_view>& rule_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all{
      kMemberRequired,     kRoleRequired,       kTitleRequired,      kReasonRequired,   kClosedIsFinal,
      kLifecycleTransition, kAssigneeMember,    kChecklistItemKnown, kChecklistItemOnce, kEvidenceRequired,
      kChecklistComplete,  kAcceptanceExpiry,   kAcceptanceMaxDuration, kAcceptanceControls, kApproverRole,
      kSeparationOfDuties, kOneVotePerRound,    kEscalationTarget,   kTextRequired,      kSightingChange,
      kTimeRangeRule,      kEvidenceSize,       kEditChangesNothing, kEditUnderApproval, kSeverityLowering,
      kOwnerKnown,         kAssigneeOwner,      kOwnerRequired};
    const auto& membership = membership_rule_names();
    all.insert(all.end(), membership.begin(), membership.end());
    const auto& administration = administration_rule_names();
    all.insert(all.end(), administration.begin(), administration.end());
    return all;
  }();
  return names;
}

}  // namespace docket::core
