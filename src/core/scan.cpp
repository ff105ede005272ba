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
  into.suppressed_fingerprints.insert(more.suppressed_fingerprints.begin(), more.suppressed_fingerprints.end());
  into.duplicates += more.duplicates;
  into.placeholder_fingerprints += more.placeholder_fingerprints;
  into.log_lines += more.log_lines;
  into.absolute_locations += more.absolute_locations;
  into.warnings.insert(into.warnings.end(), more.warnings.begin(), more.warnings.end());
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
  std::set<ExceptionId> matched;
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const ScanFinding& f = report.findings[i];
    if (!reported.insert(f.fingerprint).second) continue;  // the codec deduplicates; be safe
    // The finding's identity first, then the identities earlier versions gave it. A former
    // identity stands for one finding only: when it was coarser than today's, the first finding
    // that has it takes its exceptions and the others open their own.
    std::vector<const RecordSummary*> tracking;
    if (const auto it = by_fingerprint.find(f.fingerprint); it != by_fingerprint.end()) tracking = it->second;
    const bool current = !tracking.empty();
    for (std::size_t k = 0; tracking.empty() && k < f.former_fingerprints.size(); ++k) {
      const auto it = by_fingerprint.find(f.former_fingerprints[k]);
      if (it == by_fingerprint.end()) continue;
      for (const RecordSummary* r : it->second)
        if (!matched.count(r->id)) tracking.push_back(r);
      if (!tracking.empty()) reported.insert(f.former_fingerprints[k]);
    }
    if (tracking.empty()) {
      plan.to_open.push_back(i);
      continue;
    }
    for (const RecordSummary* r : tracking) {
      if (!matched.insert(r->id).second) continue;
      plan.known.push_back(r->id);
      if (!current) plan.reidentify.emplace_back(r->id, i);
      else if (r->source.missing_since) plan.seen_again.push_back(r->id);
    }
  }
  for (const RecordSummary* r : live)
    if (report.complete_tools.count(r->source.tool) && !reported.count(r->source.fingerprint) &&
        !report.suppressed_fingerprints.count(r->source.fingerprint) && !r->source.missing_since)
      plan.not_seen.push_back(r->id);
  return plan;
}

}  // namespace docket::core

namespace docket::core {

IngestPlan plan_ingest(const std::vector<Record>& records, const ScanReport& report) {
  return plan_ingest(summarize(records), report);
}

}  // namespace docket::core
