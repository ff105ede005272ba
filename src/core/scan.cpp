#include "docket/core/scan.hpp"

#include <algorithm>
#include <map>

namespace docket::core {

void merge_reports(ScanReport& into, const ScanReport& more) {
  std::set<std::string> known;
  for (const auto& f : into.findings) known.insert(f.fingerprint);
  for (const auto& f : more.findings) {
    if (known.insert(f.fingerprint).second) into.findings.push_back(f);
    else ++into.duplicates;
  }
  std::set<std::string> complete;
  for (const auto& tool : into.tools)
    if (into.complete_tools.count(tool) && (!more.tools.count(tool) || more.complete_tools.count(tool))) complete.insert(tool);
  for (const auto& tool : more.complete_tools)
    if (!into.tools.count(tool)) complete.insert(tool);
  into.tools.insert(more.tools.begin(), more.tools.end());
  into.complete_tools = std::move(complete);
  into.suppressed += more.suppressed;
  into.duplicates += more.duplicates;
  into.skipped += more.skipped;
}

IngestPlan plan_ingest(const std::vector<RecordSummary>& records, const ScanReport& report) {
  IngestPlan plan;
  // Exceptions still being worked, by fingerprint. Sorted by id so the plan does not depend on
  // the order records were read in.
  std::vector<const RecordSummary*> live;
  for (const auto& r : records)
    if (r.state != State::closed && !r.source.fingerprint.empty()) live.push_back(&r);
  std::sort(live.begin(), live.end(), [](const RecordSummary* a, const RecordSummary* b) { return a->id < b->id; });
  std::map<std::string, std::vector<const RecordSummary*>> by_fingerprint;
  for (const RecordSummary* r : live) by_fingerprint[r->source.fingerprint].push_back(r);

  std::set<std::string> reported;
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const ScanFinding& f = report.findings[i];
    if (!reported.insert(f.fingerprint).second) continue;  // the codec deduplicates; be safe
    const auto it = by_fingerprint.find(f.fingerprint);
    if (it == by_fingerprint.end()) {
      plan.to_open.push_back(i);
      continue;
    }
    for (const RecordSummary* r : it->second) {
      plan.known.push_back(r->id);
      if (r->source.missing_since) plan.seen_again.push_back(r->id);
    }
  }
  for (const RecordSummary* r : live)
    if (report.complete_tools.count(r->source.tool) && !reported.count(r->source.fingerprint) && !r->source.missing_since)
      plan.not_seen.push_back(r->id);
  return plan;
}

}  // namespace docket::core

namespace docket::core {

IngestPlan plan_ingest(const std::vector<Record>& records, const ScanReport& report) {
  return plan_ingest(summarize(records), report);
}

}  // namespace docket::core
