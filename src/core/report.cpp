#include "docket/core/report.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "docket/core/lifecycle.hpp"

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
  item.expired = acceptance_expired(item.expires, at);
  item.expiring_soon = acceptance_expiring_soon(item.expires, policy, at);
  item.renewal_pending = r.state == State::pending_approval;
  return item;
}

// `kind:name` as users type it (`--identity KIND:NAME`), or the name alone when it has no kind.
std::string identity_label(const Identity& identity) {
  return identity.kind.empty() ? identity.name : identity.kind + ":" + identity.name;
}

// Disjoint sets over record positions (union by size, path halving): the recurrence groups.
class Components {
public:
  explicit Components(std::size_t n) : parent_(n), size_(n, 1) {
    for (std::size_t i = 0; i < n; ++i) parent_[i] = i;
  }
  std::size_t root(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) {
    a = root(a);
    b = root(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }

private:
  std::vector<std::size_t> parent_, size_;
};

std::vector<RecurrenceGroup> recurrence_groups(const std::vector<RecordSummary>& records) {
  Components sets(records.size());
  std::map<ExceptionId, std::size_t> by_id;
  for (std::size_t i = 0; i < records.size(); ++i) by_id[records[i].id] = i;
  // Same identity: same kind and name, as stored (case-sensitive), any system.
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> first_of_identity;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Identity& id = records[i].identity;
    if (id.name.empty()) continue;
    const auto [it, fresh] = first_of_identity.try_emplace({id.kind, id.name}, i);
    if (!fresh) sets.join(it->second, i);
  }
  // Stored links (identity with system, or fingerprint, at opening).
  std::map<std::size_t, std::set<ExceptionId>> dangling;  // root → linked ids not in the store
  for (std::size_t i = 0; i < records.size(); ++i)
    for (const ExceptionId& earlier : records[i].recurrence_of)
      if (const auto it = by_id.find(earlier); it != by_id.end()) sets.join(i, it->second);
  for (std::size_t i = 0; i < records.size(); ++i)
    for (const ExceptionId& earlier : records[i].recurrence_of)
      if (!by_id.count(earlier)) dangling[sets.root(i)].insert(earlier);  // still part of the story

  std::map<std::size_t, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < records.size(); ++i) members[sets.root(i)].push_back(i);
  std::vector<RecurrenceGroup> out;
  for (auto& [root, positions] : members) {
    const auto lost = dangling.find(root);
    if (positions.size() < 2 && lost == dangling.end()) continue;
    std::sort(positions.begin(), positions.end(), [&](std::size_t a, std::size_t b) {
      return std::pair(records[a].opened.at, records[a].id) < std::pair(records[b].opened.at, records[b].id);
    });
    RecurrenceGroup g;
    std::set<ExceptionId> ids;
    std::set<std::string> systems, labels;
    std::string fingerprint;
    for (const std::size_t i : positions) {
      const RecordSummary& r = records[i];
      ids.insert(r.id);
      if (!r.identity.system.empty()) systems.insert(r.identity.system);
      if (!r.identity.name.empty()) labels.insert(identity_label(r.identity));
      if (fingerprint.empty()) fingerprint = r.source.fingerprint;
      g.members.push_back({r.id, r.identity.system, r.state});
    }
    if (lost != dangling.end()) ids.insert(lost->second.begin(), lost->second.end());
    for (const auto& label : labels) g.identity += (g.identity.empty() ? "" : ", ") + label;
    if (g.identity.empty()) g.identity = fingerprint.empty() ? "(no identity)" : "fingerprint " + fingerprint;
    g.ids.assign(ids.begin(), ids.end());
    g.systems.assign(systems.begin(), systems.end());
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const RecurrenceGroup& a, const RecurrenceGroup& b) {
    return std::tuple(b.systems.size(), b.ids.size(), a.identity) < std::tuple(a.systems.size(), a.ids.size(), b.identity);
  });
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
    if (acceptance_in_force(r)) {
      data.accepted.push_back(make_accepted(r, policy, at));
      ++(data.accepted.back().expired ? data.acceptances_expired : data.acceptances_in_force);
    }
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
  ReportData data = build_report(summarize(records), policy, at);
  for (const Record& r : records)
    if (r.outcome) data.decisions.push_back(report_decision(r, policy, at));
  sort_decisions(data.decisions);
  return data;
}

bool has_reported_decision(const RecordSummary& r) { return r.outcome.has_value(); }

DecisionItem report_decision(const Record& r, const Policy& policy, Timestamp at) {
  DecisionItem item;
  item.id = r.id;
  item.title = r.title;
  item.state = r.state;
  item.severity = r.severity;
  if (!r.outcome) return item;
  item.resolution = r.outcome->resolution;
  item.reason = r.outcome->reason;
  item.decided = r.outcome->decided;
  item.approvers = deciding_approvals(r);
  if (const Request* request = deciding_request(r)) item.controls = request->controls;
  item.expires = r.outcome->expires;
  item.acceptance_standing = acceptance_in_force(r);
  if (item.acceptance_standing) {
    // The same rules as make_accepted (and check): an acceptance with no readable expiry is over.
    const auto expires = item.resolution == Resolution::accepted ? item.expires : std::nullopt;
    item.expired = acceptance_expired(expires, at);
    item.expiring_soon = acceptance_expiring_soon(expires, policy, at);
    item.renewal_pending = r.state == State::pending_approval;
  }
  return item;
}

void sort_decisions(std::vector<DecisionItem>& decisions) {
  std::sort(decisions.begin(), decisions.end(), [](const DecisionItem& a, const DecisionItem& b) {
    if (a.acceptance_standing != b.acceptance_standing) return a.acceptance_standing;
    if (a.acceptance_standing) {
      const auto key = [](const DecisionItem& i) { return i.expires ? i.expires->seconds : std::numeric_limits<std::int64_t>::min(); };
      return std::pair(key(a), a.id) < std::pair(key(b), b.id);
    }
    return std::pair(b.decided.at, a.id) < std::pair(a.decided.at, b.id);
  });
}

}  // namespace docket::core
