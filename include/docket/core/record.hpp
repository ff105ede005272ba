#pragma once
// One exception's current state (docs/design.md §3). History is the git log; the lists that
// form the record's own history (evidence, approvals, comments, checklist completions, rounds)
// are append-only, which `core::validate` enforces and `core::merge` relies on.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/types.hpp"

namespace docket {

// Who did something, and when.
struct Stamp {
  Timestamp at;
  Email by;
  bool operator==(const Stamp&) const = default;
};

struct Identity {
  std::string kind;    // service-account, api-key, token, certificate, integration, ai-agent…
  std::string name;    // svc-billing@acme-prod
  std::string system;  // gcp/acme-prod (optional)
  bool operator==(const Identity&) const = default;
  bool empty() const { return kind.empty() && name.empty() && system.empty(); }
};

// Where the alert came from. `fingerprint` makes `open --fingerprint` and ingest idempotent.
struct Source {
  std::string tool;
  std::string rule;
  std::string fingerprint;
  std::string location;  // file:line or resource, never the secret itself
  // Set by `docket ingest` when a scan of `tool` ran completely and no longer reported the
  // finding: the time of that first scan without it. A sign of remediation, never a closure;
  // cleared when a later scan reports the finding again.
  std::optional<Timestamp> missing_since{};
  // The scanner's own fingerprint of the finding, as the scanner wrote it, kept only when it
  // carries no secret (gitleaks' `<commit>:<file>:<rule>:<line>`): `docket export` writes it
  // back (a `.gitleaksignore` line). Not the identity: that is `fingerprint`.
  std::string tool_fingerprint{};
  bool operator==(const Source&) const = default;
  bool empty() const {
    return tool.empty() && rule.empty() && fingerprint.empty() && location.empty() && !missing_since &&
           tool_fingerprint.empty();
  }
};

struct Completion {
  Stamp stamp;
  std::vector<Sha256Digest> evidence;
  std::string note;
  bool operator==(const Completion&) const = default;
};

struct ChecklistItem {
  std::string id;
  std::string text;
  bool evidence_required = false;
  std::optional<Completion> done;
  bool operator==(const ChecklistItem&) const = default;
};

// The media type docket records for every evidence file. docket does not guess types from names
// or content, so a reader never trusts a type the attacher chose: verify requires this value
// (rule evidence-metadata).
inline constexpr std::string_view kEvidenceMediaType = "application/octet-stream";

struct Evidence {
  Sha256Digest digest;
  std::string name;  // the file's base name as given, for people
  std::uint64_t size = 0;  // the stored blob's size in bytes (verify checks it: evidence-metadata)
  std::string media_type;  // kEvidenceMediaType
  Stamp added;
  std::string note;
  bool operator==(const Evidence&) const = default;
};

// An approval request. Each request (and each renewal) is a numbered round; approvals name the
// round they belong to so a renewal needs fresh approvals.
struct Request {
  int round = 1;
  Resolution resolution = Resolution::remediated;
  std::string reason;
  std::optional<Timestamp> expires;    // required for `accepted`
  std::vector<std::string> controls;   // compensating controls, required for `accepted`
  Stamp requested;
  bool operator==(const Request&) const = default;
};

struct Approval {
  int round = 1;
  Decision decision = Decision::approve;
  Stamp stamp;
  std::string note;
  bool operator==(const Approval&) const = default;
};

// How the exception ended (or, for `accepted`, the decision now in force).
struct Outcome {
  Resolution resolution = Resolution::remediated;
  Stamp decided;
  std::string reason;
  std::optional<Timestamp> expires;  // for `accepted`: until when the acceptance is in force
  bool operator==(const Outcome&) const = default;
};

struct Review {
  std::optional<Timestamp> due;
  std::optional<Stamp> done;
  std::string note;
  bool operator==(const Review&) const = default;
};

struct Comment {
  Stamp stamp;
  std::string text;
  bool operator==(const Comment&) const = default;
};

// A one-line log of what happened to the record beyond its lists: moves, assignments,
// escalations, reopenings. Append-only, so `show` tells the whole story without git.
struct Event {
  Stamp stamp;
  std::string action;  // moved, assigned, escalated, requested, approved, denied, accepted, closed, revoked, renewed, reopened, reviewed
  std::string detail;
  bool operator==(const Event&) const = default;
};

struct Record {
  ExceptionId id;
  std::string title;
  std::string template_name;
  State state = State::open;
  Severity severity = Severity::medium;
  Identity identity;
  std::vector<Email> owners;
  std::optional<Email> assignee;
  Stamp opened;
  Source source;
  std::optional<Timestamp> due;
  std::vector<std::string> frameworks;
  std::vector<ChecklistItem> checklist;
  std::vector<Evidence> evidence;
  std::vector<Request> requests;   // every round, newest last; the last one is the current request
  std::vector<Approval> approvals;
  std::optional<Outcome> outcome;  // set when closed or accepted
  Review review;
  std::vector<ExceptionId> recurrence_of;
  std::vector<Comment> comments;
  std::vector<Event> events;

  const Request* current_request() const { return requests.empty() ? nullptr : &requests.back(); }
  const ChecklistItem* find_item(std::string_view item_id) const;
  bool has_evidence(const Sha256Digest& d) const;
  bool operator==(const Record&) const = default;
};

}  // namespace docket
