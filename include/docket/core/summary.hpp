#pragma once
// The part of a record that lists, checks, reports, ingest plans and fingerprint look-ups read
// (docs/design.md §10). The local record index (app/record_index.hpp) keeps one per record blob,
// so those commands never parse YAML; every function that works on many records takes
// summaries, so what they may read is fixed by this type.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "docket/core/record.hpp"

namespace docket::core {

// A record file that could not be read (its YAML is malformed, or names another id): its path in
// the store and why (the parse error's message). Commands that read every record leave it out,
// name it, and go on; `docket check` fails on it whatever fail_on says.
struct UnreadableRecord {
  std::string path;
  std::string reason;
  bool operator==(const UnreadableRecord&) const = default;
};

struct RecordSummary {
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
  std::optional<Timestamp> first_decision;  // the first approval's or denial's time
  // The outcome in force without its reason: resolution, who decided when, acceptance expiry.
  struct Decided {
    Resolution resolution = Resolution::remediated;
    Stamp decided;
    std::optional<Timestamp> expires;
    bool operator==(const Decided&) const = default;
  };
  std::optional<Decided> outcome;
  std::optional<Timestamp> review_due;
  bool review_done = false;
  std::vector<ExceptionId> recurrence_of;
  bool operator==(const RecordSummary&) const = default;
};

// The summary of `r` (pure; the single definition of what a summary holds).
RecordSummary summarize(const Record& r);
std::vector<RecordSummary> summarize(const std::vector<Record>& records);

// The open (not closed) record with `fingerprint`, if any; null for an empty fingerprint.
const RecordSummary* find_open_by_fingerprint(const std::vector<RecordSummary>& records, std::string_view fingerprint);

// Earlier records by fingerprint and by identity, built once so that opening many exceptions
// (an ingest run) costs one look-up each, not a scan of the store each.
class RecurrenceLookup {
public:
  explicit RecurrenceLookup(const std::vector<RecordSummary>& records);
  // Ids of the records sharing the identity (kind+name+system, when a name is set) or the
  // fingerprint (when set), sorted, each once: what a new exception links as `recurrence_of`.
  std::vector<ExceptionId> find(const Identity& identity, std::string_view fingerprint) const;

private:
  std::map<std::string, std::vector<ExceptionId>, std::less<>> by_fingerprint_;
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<ExceptionId>> by_identity_;
};

}  // namespace docket::core
