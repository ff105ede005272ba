#include "docket/core/summary.hpp"

#include <algorithm>

namespace docket::core {

RecordSummary summarize(const Record& r) {
  RecordSummary s;
  s.id = r.id;
  s.title = r.title;
  s.template_name = r.template_name;
  s.state = r.state;
  s.severity = r.severity;
  s.identity = r.identity;
  s.owners = r.owners;
  s.assignee = r.assignee;
  s.opened = r.opened;
  s.source = r.source;
  s.due = r.due;
  s.frameworks = r.frameworks;
  if (!r.approvals.empty()) s.first_decision = r.approvals.front().stamp.at;
  if (r.outcome) s.outcome = RecordSummary::Decided{r.outcome->resolution, r.outcome->decided, r.outcome->expires};
  s.review_due = r.review.due;
  s.review_done = r.review.done.has_value();
  s.recurrence_of = r.recurrence_of;
  return s;
}

std::vector<RecordSummary> summarize(const std::vector<Record>& records) {
  std::vector<RecordSummary> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(summarize(r));
  return out;
}

const RecordSummary* find_open_by_fingerprint(const std::vector<RecordSummary>& records, std::string_view fingerprint) {
  if (fingerprint.empty()) return nullptr;
  for (const auto& r : records)
    if (r.state != State::closed && r.source.fingerprint == fingerprint) return &r;
  return nullptr;
}

RecurrenceLookup::RecurrenceLookup(const std::vector<RecordSummary>& records) {
  for (const auto& r : records) {
    if (!r.source.fingerprint.empty()) by_fingerprint_[r.source.fingerprint].push_back(r.id);
    if (!r.identity.name.empty()) by_identity_[{r.identity.kind, r.identity.name, r.identity.system}].push_back(r.id);
  }
}

std::vector<ExceptionId> RecurrenceLookup::find(const Identity& identity, std::string_view fingerprint) const {
  std::vector<ExceptionId> out;
  if (!identity.name.empty())
    if (const auto it = by_identity_.find({identity.kind, identity.name, identity.system}); it != by_identity_.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  if (!fingerprint.empty())
    if (const auto it = by_fingerprint_.find(fingerprint); it != by_fingerprint_.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace docket::core
