// Three-way merge of one record (docs/sync.md). Every rule here is symmetric in its two sides:
// ties are broken by content, never by which side is "ours", so two clones merging the same
// pair of commits write the same tree, and `verify` can recompute it.

#include "docket/core/merge.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

namespace docket::core {
namespace {

// Total orders on list entries: stamp time, actor, then every other field, so that equal keys
// mean equal entries and sorting is deterministic.
auto stamp_key(const Stamp& s) { return std::tuple(s.at, s.by); }
auto key_of(const Comment& c) { return std::tuple(c.stamp.at, c.stamp.by, c.text); }
auto key_of(const Event& e) { return std::tuple(e.stamp.at, e.stamp.by, e.action, e.detail); }
auto key_of(const Evidence& e) {
  return std::tuple(e.added.at, e.added.by, e.digest, e.name, e.size, e.media_type, e.note);
}
auto key_of(const Approval& a) { return std::tuple(a.stamp.at, a.stamp.by, a.round, a.decision, a.note); }
// Requests sort by round first: the last one is the current request.
auto key_of(const Request& r) {
  return std::tuple(r.round, r.requested.at, r.requested.by, r.resolution, r.reason, r.expires, r.controls);
}
const Email& key_of(const Email& e) { return e; }
const ExceptionId& key_of(const ExceptionId& id) { return id; }
auto key_of(const Completion& c) { return std::tuple(c.stamp.at, c.stamp.by, c.evidence, c.note); }
auto key_of(const std::optional<Stamp>& s) {
  return s ? std::optional(stamp_key(*s)) : std::nullopt;
}
auto key_of(const Outcome& o) { return std::tuple(o.resolution, o.decided.at, o.decided.by, o.reason, o.expires); }
auto key_of(const std::optional<Outcome>& o) { return o ? std::optional(key_of(*o)) : std::nullopt; }
auto key_of(const Review& r) { return std::tuple(r.due, key_of(r.done), r.note); }

template <class T>
bool key_less(const T& a, const T& b) {
  return key_of(a) < key_of(b);
}

// The field as `side` has it, when the other side may or may not have changed it: the value
// changed on one side only wins; a value changed on both sides goes to `both_changed`.
template <class T, class Resolve>
T three_way(const T* base, const T& a, const T& b, Resolve both_changed) {
  if (a == b) return a;
  if (base && b == *base) return a;
  if (base && a == *base) return b;
  return both_changed(a, b);
}

// Entries of `side` that are not in `base`, as a sorted multiset.
template <class T>
std::vector<T> added_entries(const std::vector<T>& base, const std::vector<T>& side) {
  std::vector<T> sorted_side = side;
  std::vector<T> sorted_base = base;
  std::sort(sorted_side.begin(), sorted_side.end(), key_less<T>);
  std::sort(sorted_base.begin(), sorted_base.end(), key_less<T>);
  std::vector<T> out;
  std::set_difference(sorted_side.begin(), sorted_side.end(), sorted_base.begin(), sorted_base.end(),
                      std::back_inserter(out), key_less<T>);
  return out;
}

// An append-only list: the base's entries in their order, then what either side added (an entry
// both added once counts once), in key order.
template <class T>
std::vector<T> union_list(const std::vector<T>* base, const std::vector<T>& a, const std::vector<T>& b) {
  if (a == b) return a;
  if (base && b == *base) return a;
  if (base && a == *base) return b;
  std::vector<T> out = base ? *base : std::vector<T>{};
  const std::vector<T> from_a = added_entries(out, a);
  const std::vector<T> from_b = added_entries(out, b);
  std::set_union(from_a.begin(), from_a.end(), from_b.begin(), from_b.end(), std::back_inserter(out), key_less<T>);
  return out;
}

// Events a side added since the base whose action is `action` (any when empty), newest last.
std::vector<Event> added_events(const Record* base, const Record& side, std::string_view action = {}) {
  std::vector<Event> out;
  for (auto& e : added_entries(base ? base->events : std::vector<Event>{}, side.events))
    if (action.empty() || e.action == action) out.push_back(std::move(e));
  return out;
}

// State, outcome and review move together (approve, revoke, reopen set them at once), so they
// are merged as one value and never mixed from both sides.
struct Lifecycle {
  State state = State::open;
  std::optional<Outcome> outcome;
  Review review;
  bool operator==(const Lifecycle&) const = default;
};
Lifecycle lifecycle_of(const Record& r) { return Lifecycle{r.state, r.outcome, r.review}; }
auto key_of(const Lifecycle& l) { return std::tuple(lifecycle_rank(l.state), key_of(l.outcome), key_of(l.review)); }

class RecordMerger {
public:
  RecordMerger(const Record* base, const Record& a, const Record& b) : base_(base), a_(a), b_(b) {}

  MergeResult run() {
    MergeResult result;
    Record& m = result.merged;
    m.id = fixed("id", &Record::id);
    m.title = fixed("title", &Record::title);
    m.template_name = fixed("template", &Record::template_name);
    m.severity = fixed("severity", &Record::severity);
    m.identity = fixed("identity", &Record::identity);
    m.opened = fixed("opened", &Record::opened);
    m.source = source();
    m.due = fixed("due", &Record::due);
    m.frameworks = fixed("frameworks", &Record::frameworks);

    m.owners = list(&Record::owners);
    m.recurrence_of = list(&Record::recurrence_of);
    m.comments = list(&Record::comments);
    m.events = list(&Record::events);
    m.approvals = list(&Record::approvals);
    m.requests = list(&Record::requests);
    m.evidence = unique_digests(list(&Record::evidence));
    m.checklist = checklist();
    m.assignee = assignee();

    const Lifecycle base_life = base_ ? lifecycle_of(*base_) : Lifecycle{};
    const Lifecycle life = three_way(base_ ? &base_life : nullptr, lifecycle_of(a_), lifecycle_of(b_),
                                     [&](const Lifecycle& la, const Lifecycle& lb) { return later_lifecycle(la, lb); });
    m.state = life.state;
    m.outcome = life.outcome;
    m.review = life.review;

    for (auto& c : check_record_invariants(m)) conflicts_.push_back(std::move(c));
    for (auto& c : conflicts_)
      if (c.record.empty()) c.record = (a_.id.str().empty() ? b_.id.str() : a_.id.str());
    result.conflicts = std::move(conflicts_);
    return result;
  }

private:
  // Fields set at open and changed by no command: two different values cannot be reconciled.
  template <class T>
  T fixed(const char* field, T Record::*member) {
    const T* base = base_ ? &(base_->*member) : nullptr;
    return three_way(base, a_.*member, b_.*member, [&](const T& x, const T&) {
      conflicts_.push_back({"", field, std::string("'") + field + "' differs on both sides and is never changed by a command"});
      return x;
    });
  }

  template <class T>
  std::vector<T> list(std::vector<T> Record::*member) {
    return union_list(base_ ? &(base_->*member) : nullptr, a_.*member, b_.*member);
  }

  // One digest is one piece of evidence (core::apply keeps it so); when both sides attached the
  // same content, the first entry (the base's, else the earliest) stays.
  static std::vector<Evidence> unique_digests(std::vector<Evidence> list) {
    std::set<Sha256Digest> seen;
    std::vector<Evidence> out;
    for (auto& e : list)
      if (seen.insert(e.digest).second) out.push_back(std::move(e));
    return out;
  }

  std::vector<ChecklistItem> checklist() {
    return three_way(base_ ? &base_->checklist : nullptr, a_.checklist, b_.checklist,
                     [&](const std::vector<ChecklistItem>& ca, const std::vector<ChecklistItem>& cb) {
                       std::vector<ChecklistItem> out;
                       if (ca.size() != cb.size()) {
                         conflicts_.push_back({"", "checklist", "the checklist items differ between the two sides"});
                         return ca;
                       }
                       for (std::size_t i = 0; i < ca.size(); ++i) out.push_back(item(ca[i], cb[i]));
                       return out;
                     });
  }

  ChecklistItem item(const ChecklistItem& x, const ChecklistItem& y) {
    if (x.id != y.id || x.text != y.text || x.evidence_required != y.evidence_required) {
      conflicts_.push_back({"", "checklist", "checklist item '" + x.id + "' differs between the two sides"});
      return x;
    }
    const ChecklistItem* base_item = base_ ? base_->find_item(x.id) : nullptr;
    ChecklistItem out = x;
    // Done on either side is done; done on both keeps the earlier completion (the other
    // side's evidence is still in the evidence list).
    out.done = three_way(base_item ? &base_item->done : nullptr, x.done, y.done,
                         [](const std::optional<Completion>& dx, const std::optional<Completion>& dy) {
                           if (!dx) return dy;
                           if (!dy) return dx;
                           return key_less(*dy, *dx) ? dy : dx;
                         });
    return out;
  }

  // What the finding is stays fixed; whether scans still see it (missing_since, set and cleared
  // by `docket ingest`) follows the side whose newest sighting event is later.
  Source source() {
    auto identity_of = [](Source s) {
      s.missing_since.reset();
      return s;
    };
    const Source base_identity = base_ ? identity_of(base_->source) : Source{};
    Source out = three_way(base_ ? &base_identity : nullptr, identity_of(a_.source), identity_of(b_.source),
                           [&](const Source& x, const Source&) {
                             conflicts_.push_back({"", "source", "'source' differs on both sides and is never changed by a command"});
                             return x;
                           });
    out.missing_since = three_way(base_ ? &base_->source.missing_since : nullptr, a_.source.missing_since,
                                  b_.source.missing_since,
                                  [&](const std::optional<Timestamp>& ma, const std::optional<Timestamp>& mb) {
                                    const auto newest_a = newest(sightings(a_));
                                    const auto newest_b = newest(sightings(b_));
                                    if (newest_a != newest_b) return newest_a > newest_b ? ma : mb;
                                    return std::min(ma, mb);  // a tie counts as seen: the cautious reading
                                  });
    return out;
  }

  std::vector<Event> sightings(const Record& side) const {
    std::vector<Event> out = added_events(base_, side, "not-seen");
    for (auto& e : added_events(base_, side, "seen-again")) out.push_back(std::move(e));
    std::sort(out.begin(), out.end(), key_less<Event>);
    return out;
  }

  std::optional<Email> assignee() {
    return three_way(base_ ? &base_->assignee : nullptr, a_.assignee, b_.assignee,
                     [&](const std::optional<Email>& ea, const std::optional<Email>& eb) {
                       const auto newest_a = newest(added_events(base_, a_, "assigned"));
                       const auto newest_b = newest(added_events(base_, b_, "assigned"));
                       if (newest_a != newest_b) return newest_a > newest_b ? ea : eb;
                       return std::max(ea, eb);
                     });
  }

  Lifecycle later_lifecycle(const Lifecycle& la, const Lifecycle& lb) const {
    const int rank_a = lifecycle_rank(la.state);
    const int rank_b = lifecycle_rank(lb.state);
    if (rank_a != rank_b) return rank_a > rank_b ? la : lb;
    const auto newest_a = newest(added_events(base_, a_));
    const auto newest_b = newest(added_events(base_, b_));
    if (newest_a != newest_b) return newest_a > newest_b ? la : lb;
    return key_less(la, lb) ? lb : la;
  }

  static std::optional<std::tuple<Timestamp, Email, std::string, std::string>> newest(const std::vector<Event>& events) {
    if (events.empty()) return std::nullopt;
    return key_of(events.back());  // added_entries sorts by key: the newest is last
  }

  const Record* base_;
  const Record& a_;
  const Record& b_;
  std::vector<Conflict> conflicts_;
};

}  // namespace

int lifecycle_rank(State s) {
  switch (s) {
    case State::open: return 0;
    case State::triaged: return 1;
    case State::investigating: return 2;
    case State::remediating: return 3;
    case State::pending_approval: return 4;
    case State::accepted: return 5;
    case State::closed: return 6;
  }
  return 0;
}

std::vector<Conflict> check_record_invariants(const Record& r) {
  std::vector<Conflict> out;
  auto conflict = [&](std::string field, std::string message) { out.push_back({r.id.str(), std::move(field), std::move(message)}); };
  for (std::size_t i = 1; i < r.requests.size(); ++i)
    if (r.requests[i].round <= r.requests[i - 1].round)
      conflict("requests", "both sides requested round " + std::to_string(r.requests[i].round) +
                               " differently (one-request-per-round)");
  std::set<std::pair<int, Email>> votes;
  for (const auto& a : r.approvals)
    if (!votes.insert({a.round, a.stamp.by}).second)
      conflict("approvals", a.stamp.by.str() + " decided round " + std::to_string(a.round) +
                                " on both sides (one-vote-per-round)");
  std::set<std::string> items;
  for (const auto& item : r.checklist)
    if (!items.insert(item.id).second) conflict("checklist", "checklist item '" + item.id + "' appears twice");
  if (r.state == State::pending_approval && r.requests.empty())
    conflict("state", "pending-approval without a request");
  if (r.state == State::accepted && !(r.outcome && r.outcome->resolution == Resolution::accepted && r.outcome->expires))
    conflict("state", "accepted without an acceptance in force");
  if (r.state == State::closed && !r.outcome) conflict("state", "closed without an outcome");
  return out;
}

MergeResult merge_records(const Record* base, const Record& ours, const Record& theirs) {
  // Whole-record shortcuts first: they are the common case and keep a one-sided change byte-exact.
  if (ours == theirs || (base && theirs == *base)) return MergeResult{ours, {}};
  if (base && ours == *base) return MergeResult{theirs, {}};
  return RecordMerger(base, ours, theirs).run();
}

}  // namespace docket::core
