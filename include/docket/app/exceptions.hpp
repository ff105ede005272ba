#pragma once
// Use cases on exception records: each is load → core rule → signed commit, retried when
// another writer got there first.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "docket/app/session.hpp"
#include "docket/core/exception_filter.hpp"
#include "docket/core/findings.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/suppressions.hpp"

namespace docket::app {

struct OpenRequest {
  std::string title;
  std::optional<std::string> template_name;  // default "generic" when the store has it
  std::optional<Severity> severity;
  Identity identity;
  std::vector<Email> owners;
  Source source;
};

struct OpenResult {
  Record record;
  bool created = true;  // false when an open exception with the same fingerprint was returned
};

// Opens an exception. With a fingerprint, an exception with that fingerprint that is not
// closed is returned instead of a duplicate. Earlier exceptions for the same identity or
// fingerprint are linked as recurrence_of.
OpenResult open_exception(Session& session, const OpenRequest& request);

// Applies one lifecycle command to the exception `query` names. Returns the new record.
Record change_exception(Session& session, std::string_view query, const core::Command& command);

// `docket edit`: applies core::effective_edit of `edit` to the exception `query` names, in one
// signed commit, refused by the core rules (RuleViolation, exit 3). When the effective edit is
// empty (every value given is the record's already) nothing is committed, `*unchanged` (when
// given) is set and the record is returned as it is — but the actor must still hold edit's role,
// and a closed exception is refused (closed-is-final) as for a real change.
Record edit_exception(Session& session, std::string_view query, const core::Edit& edit, bool* unchanged = nullptr);

struct AttachRequest {
  std::vector<std::filesystem::path> files;
  std::optional<std::string> item;
  std::string note;
  bool allow_secret = false;
};
// Streams each file into the store (SHA-256 and git blob in one pass, constant memory),
// refusing files that look like they hold a live secret unless allow_secret. Only regular files
// (Error(usage) for a folder, FIFO, socket or device, before anything is read), each within the
// policy's max_evidence_size (rule evidence-size, before and while reading). The same content
// twice is one piece of evidence; when the exception already holds all of it and no item is
// named, nothing is committed and `*already_held` (when given) is set.
Record attach_evidence(Session& session, std::string_view query, const AttachRequest& request,
                       bool* already_held = nullptr);

Record show_exception(Session& session, std::string_view query);

// What `docket list` shows: the records `select` keeps (judged at the session's now), in the
// order `sort`, at most `limit` of them.
struct ListFilter {
  core::ExceptionFilter select;
  core::ListSort sort = core::ListSort::opened;
  std::optional<std::size_t> limit;  // none: all; else at most this many (> 0), after sorting
};
// One line of `docket list` (views valid during the call that passes it only).
struct ListedException {
  std::string_view id;
  std::string_view title;
  State state = State::open;
  Severity severity = Severity::medium;
  std::optional<Timestamp> due;
  std::string_view assignee;  // empty: none
  Timestamp opened;
  std::optional<Resolution> decided;  // the outcome in force, if any
  std::optional<Timestamp> expires;   // its expiry (an acceptance's)
};
// The time list's DUE / EXPIRES column shows and `--sort due` orders by: an acceptance in force's
// expiry (core::acceptance_in_force), every other exception's SLA due date (`due`).
std::optional<Timestamp> shown_deadline(State state, std::optional<Resolution> decided, std::optional<Timestamp> due,
                                        std::optional<Timestamp> expires);
// Visits the exceptions `filter` selects, in its order: calls `layout` once, first, with how many
// there are and the widest id (in bytes), then `each` once per exception. Without criteria that
// need summaries (core::needs_summary), from the record index's table: no record or summary is
// decoded, and in the default order nothing is held per exception, so memory does not grow with
// the store. Otherwise from the summaries (select_exceptions). DOCKET_INDEX=off parses every
// record; the result is the same.
void list_exceptions(Session& session, const ListFilter& filter,
                     const std::function<void(std::size_t count, std::size_t id_width)>& layout,
                     const std::function<void(const ListedException&)>& each);

// The summaries of the records of `snap` that `filter` keeps at `at` (core::matches), in path
// order. A record that only its comments can decide (the --grep text is in no summary field) is
// read in full only when its JSON text holds the text at all. Records that cannot be read are left
// out (session.index().unreadable() names them).
std::vector<core::RecordSummary> select_exceptions(Session& session, const store::Snapshot& snap,
                                                   const core::ExceptionFilter& filter, Timestamp at);

// What `docket check` reports on `snap` judged at `at` under `policy`.
struct CheckResult {
  std::vector<core::Finding> findings;               // core::find_findings's result and order
  std::map<ExceptionId, core::RecordSummary> records;  // every record a finding names
  std::vector<core::UnreadableRecord> unreadable;       // record files that could not be read
};
// Judged from the record index's table as it is read. A record that cannot be read is left out
// of the findings and named in `unreadable` (core::fails_build fails the gate on it). Should the table name a record its folders
// do not hold (a cache damaged or forged by another hand), the table is discarded and every
// summary judged instead, so the result is always the full parse's.
// Only the records `filter` keeps at `at` are judged (an empty filter: every record); records
// that cannot be read are named whatever the filter, since nobody can tell what they hold.
CheckResult check_exceptions(Session& session, const store::Snapshot& snap, const Policy& policy, Timestamp at,
                             const core::ExceptionFilter& filter = {});
// What `docket export` writes for `snap` at `now`: core::exported_suppressions over the records
// whose decision suppresses (core::suppresses, judged on the index's summaries, so only those
// records are parsed), for `tool` only when it is not empty. Records that cannot be read are left
// out and named in `unreadable` (a left-out acceptance only makes the scanner flag it again).
struct ExportResult {
  core::SuppressionSelection selection;
  std::vector<core::UnreadableRecord> unreadable;
};
ExportResult select_suppressions(Session& session, const store::Snapshot& snap, Timestamp now, std::string_view tool);

// The same exceptions as compact JSON texts (docs/json.md), one call of `sink` each, in the same
// order; with no criteria, no --sort and no --limit, in memory that does not grow with the store
// (otherwise it grows with the ids selected).
void list_exceptions_json(Session& session, const ListFilter& filter, const std::function<void(std::string_view)>& sink);

}  // namespace docket::app
