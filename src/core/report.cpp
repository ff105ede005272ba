#include "docket/core/report.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace docket::core {

DurationStats duration_stats(std::vector<Duration> values) {
  DurationStats stats;
  stats.count = values.size();
  if (values.empty()) return stats;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  stats.median = values.size() % 2 == 1 ? values[mid]
                                         : Duration{values[mid - 1].seconds + (values[mid].seconds - values[mid - 1].seconds) / 2};
  stats.max = values.back();
  return stats;
}

namespace {

constexpr std::int64_t kDay = 86400;

std::vector<AgingBucket> empty_aging_buckets() {
  return {{"< 7d", {0}, Duration{7 * kDay}, 0},
          {"7-30d", {7 * kDay}, Duration{30 * kDay}, 0},
          {"30-90d", {30 * kDay}, Duration{90 * kDay}, 0},
          {">= 90d", {90 * kDay}, std::nullopt, 0}};
}

void count_age(std::vector<AgingBucket>& buckets, Duration age) {
  for (auto& bucket : buckets)
    if (age >= bucket.from && (!bucket.to || age < *bucket.to)) {
      ++bucket.count;
      return;
    }
  ++buckets.front().count;  // a negative age (opened after the report's time) is the youngest
}

bool is_overdue(const RecordSummary& r, Timestamp at) { return sla_breached(finding_input(r), at); }

ReportRow make_row(const RecordSummary& r, Timestamp at) {
  ReportRow row;
  row.id = r.id;
  row.title = r.title;
  row.state = r.state;
  row.severity = r.severity;
  row.identity_kind = r.identity.kind;
  row.identity_name = r.identity.name;
  row.system = r.identity.system;
  row.owners = r.owners;
  row.assignee = r.assignee;
  row.opened = r.opened.at;
  row.due = r.due;
  if (r.outcome) {
    row.resolution = r.outcome->resolution;
    row.expires = r.outcome->expires;
  }
  const bool closed = r.state == State::closed && r.outcome;
  row.age = (closed ? r.outcome->decided.at : at) - r.opened.at;
  row.overdue = is_overdue(r, at);
  row.frameworks = r.frameworks;
  return row;
}

AcceptedItem make_accepted(const RecordSummary& r, const Policy& policy, Timestamp at) {
  AcceptedItem item;
  item.id = r.id;
  item.title = r.title;
  item.severity = r.severity;
  if (r.outcome && r.outcome->resolution == Resolution::accepted) item.expires = r.outcome->expires;
  const FindingInput in = finding_input(r);
  item.expired = acceptance_expired(in, at);  // fail-closed, as in find_findings
  item.expiring_soon = acceptance_expiring(in, at, policy.expiring_soon);
  item.renewal_pending = r.state == State::pending_approval;
  return item;
}

std::string recurrence_key(const RecordSummary& r) {
  if (!r.identity.name.empty()) return r.identity.name;
  if (!r.source.fingerprint.empty()) return "fingerprint " + r.source.fingerprint;
  return "(no identity)";
}

std::vector<RecurrenceGroup> recurrence_groups(const std::vector<RecordSummary>& records) {
  std::map<ExceptionId, const RecordSummary*> by_id;
  for (const RecordSummary& r : records) by_id[r.id] = &r;
  struct Group {
    std::set<ExceptionId> ids;
    std::set<std::string> systems;
  };
  std::map<std::string, Group> groups;
  const auto add = [](Group& g, const RecordSummary& r) {
    g.ids.insert(r.id);
    if (!r.identity.system.empty()) g.systems.insert(r.identity.system);
  };
  for (const RecordSummary& r : records) {
    if (r.recurrence_of.empty()) continue;
    Group& g = groups[recurrence_key(r)];
    add(g, r);
    for (const ExceptionId& earlier : r.recurrence_of) {
      if (const auto it = by_id.find(earlier); it != by_id.end()) add(g, *it->second);
      else g.ids.insert(earlier);  // linked to a record no longer in the store: still part of the story
    }
  }
  std::vector<RecurrenceGroup> out;
  for (auto& [name, g] : groups)
    out.push_back({name, {g.ids.begin(), g.ids.end()}, {g.systems.begin(), g.systems.end()}});
  std::stable_sort(out.begin(), out.end(),
                   [](const RecurrenceGroup& a, const RecurrenceGroup& b) { return a.ids.size() > b.ids.size(); });
  return out;
}

std::vector<FrameworkFamily> framework_coverage(const std::vector<RecordSummary>& records) {
  std::map<std::string, FrameworkFamily> families;
  for (const auto family : kReportedFrameworkFamilies) families[std::string(family)].family = family;
  for (const RecordSummary& r : records) {
    // A record citing a reference twice still counts once.
    const std::set<std::string> refs(r.frameworks.begin(), r.frameworks.end());
    std::set<std::string> cited_families;
    for (const auto& ref : refs) {
      const auto colon = ref.find(':');
      const std::string family = colon == std::string::npos ? ref : ref.substr(0, colon);
      FrameworkFamily& f = families[family];
      f.family = family;
      ++f.by_id[ref];
      cited_families.insert(family);
    }
    for (const auto& family : cited_families) ++families[family].records;
  }
  std::vector<FrameworkFamily> out;
  for (const auto family : kReportedFrameworkFamilies) {
    out.push_back(families[std::string(family)]);
    families.erase(std::string(family));
  }
  for (auto& [name, f] : families) out.push_back(std::move(f));
  return out;
}

}  // namespace

ReportData build_report(const std::vector<RecordSummary>& records, const Policy& policy, Timestamp at) {
  ReportData data;
  data.at = at;
  data.total = static_cast<int>(records.size());
  data.aging = empty_aging_buckets();
  std::vector<Duration> open_ages, to_decision, to_close;
  for (const RecordSummary& r : records) {
    ++data.by_state[r.state];
    if (r.first_decision) to_decision.push_back(*r.first_decision - r.opened.at);
    if (r.state == State::closed) {
      ++data.closed;
      if (r.outcome) to_close.push_back(r.outcome->decided.at - r.opened.at);
    } else {
      ++data.open;
      ++data.by_severity[r.severity];
      if (r.owners.empty()) ++data.by_owner["unowned"];
      for (const Email& owner : std::set<Email>(r.owners.begin(), r.owners.end())) ++data.by_owner[owner.str()];
      const Duration age = at - r.opened.at;
      open_ages.push_back(age);
      count_age(data.aging, age);
      if (is_overdue(r, at)) ++data.overdue;
    }
    if (acceptance_in_force(r)) data.accepted.push_back(make_accepted(r, policy, at));
    data.rows.push_back(make_row(r, at));
  }
  data.open_age = duration_stats(std::move(open_ages));
  data.time_to_decision = duration_stats(std::move(to_decision));
  data.time_to_close = duration_stats(std::move(to_close));
  std::sort(data.accepted.begin(), data.accepted.end(), [](const AcceptedItem& a, const AcceptedItem& b) {
    // No readable expiry first (treated as expired), then soonest expiry.
    const auto key = [](const AcceptedItem& i) { return i.expires ? i.expires->seconds : std::numeric_limits<std::int64_t>::min(); };
    return std::pair(key(a), a.id) < std::pair(key(b), b.id);
  });
  std::sort(data.rows.begin(), data.rows.end(),
            [](const ReportRow& a, const ReportRow& b) { return std::pair(a.opened, a.id) < std::pair(b.opened, b.id); });
  data.recurrence = recurrence_groups(records);
  data.frameworks = framework_coverage(records);
  return data;
}

ReportData build_report(const std::vector<Record>& records, const Policy& policy, Timestamp at) {
  return build_report(summarize(records), policy, at);
}

}  // namespace docket::core
