// Three-way merge of one record (docs/sync.md). Every rule here is symmetric in its two sides:
// ties are broken by content, never by which side is "ours", so two clones merging the same
// pair of commits write the same tree, and `verify` can recompute it.

#include "docket/core/merge.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <type_traits>

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
    m.template_name = fixed("template", &Record::template_name);
    m.opened = fixed("opened", &Record::opened);
    m.source = source();
    m.frameworks = fixed("frameworks", &Record::frameworks);
    // What `docket edit` changes: each field (severity with the due date it sets) from the side
    // whose newest edit of it is later.
    m.title = edited("title", "retitled", [](const Record& r) { return r.title; });
    std::tie(m.severity, m.due) =
        edited("severity", "severity-changed", [](const Record& r) { return std::pair(r.severity, r.due); });
    std::tie(m.identity.kind, m.identity.name) =
        edited("identity", "identity-changed", [](const Record& r) { return std::pair(r.identity.kind, r.identity.name); });
    m.identity.system = edited("identity", "system-changed", [](const Record& r) { return r.identity.system; });

    m.owners = owners();
    m.recurrence_of = list(&Record::recurrence_of);
    m.comments = list(&Record::comments);
    m.events = list(&Record::events);
    m.approvals = list(&Record::approvals);
    m.requests = list(&Record::requests);
    m.evidence = unique_digests(list(&Record::evidence));
    m.checklist = checklist();
    m.assignee = assignee();
    // An owner removed on one side while the other assigned them: assigning makes the assignee
    // an owner, as it would after the removal in one history.
    if (m.assignee && std::find(m.owners.begin(), m.owners.end(), *m.assignee) == m.owners.end())
      m.owners.push_back(*m.assignee);
    if (m.owners.empty())
      conflicts_.push_back({"", "owners", "each side removed the owners the other kept, leaving none (owner-required)"});

    const Lifecycle base_life = base_ ? lifecycle_of(*base_) : Lifecycle{};
    const Lifecycle life = three_way(base_ ? &base_life : nullptr, lifecycle_of(a_), lifecycle_of(b_),
                                     [&](const Lifecycle& la, const Lifecycle& lb) { return later_lifecycle(la, lb); });
    m.state = life.state;
    m.outcome = life.outcome;
    m.review = life.review;
    if (base_) {
      edit_under_decision();
      concurrent_lifecycle();
    }

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

  // A field `docket edit` changes (events `action`), read from a record by `get`: changed on
  // one side only, that side's value; changed on both, the side whose newest `action` event is
  // later, then the greater value. A difference no edit explains is a conflict.
  template <class Get, class T = std::invoke_result_t<Get, const Record&>>
  T edited(const char* field, std::string_view action, Get get) {
    const std::optional<T> base = base_ ? std::optional<T>(get(*base_)) : std::nullopt;
    return three_way(base ? &*base : nullptr, get(a_), get(b_), [&](const T& x, const T& y) {
      const auto newest_a = newest(added_events(base_, a_, action));
      const auto newest_b = newest(added_events(base_, b_, action));
      if (!newest_a && !newest_b) {
        conflicts_.push_back({"", field, std::string("'") + field + "' differs on both sides and no edit explains it"});
        return x;
      }
      if (newest_a != newest_b) return newest_a > newest_b ? x : y;
      return std::max(x, y);
    });
  }

  // Owners are a set `docket edit` adds to and removes from (assign and escalate add): an owner
  // either side removed is gone, one either side added is there; the base's order is kept, the
  // added ones follow sorted.
  std::vector<Email> owners() {
    return three_way(base_ ? &base_->owners : nullptr, a_.owners, b_.owners,
                     [&](const std::vector<Email>& oa, const std::vector<Email>& ob) {
                       const auto has = [](const std::vector<Email>& list, const Email& e) {
                         return std::find(list.begin(), list.end(), e) != list.end();
                       };
                       std::vector<Email> out;
                       const std::vector<Email> none;
                       const std::vector<Email>& base = base_ ? base_->owners : none;
                       for (const auto& e : base)
                         if (has(oa, e) && has(ob, e)) out.push_back(e);
                       std::set<Email> added;
                       for (const auto* side : {&oa, &ob})
                         for (const auto& e : *side)
                           if (!has(base, e)) added.insert(e);
                       out.insert(out.end(), added.begin(), added.end());
                       return out;
                     });
  }

  // Severity, identity and system are what approvers decide on: an edit of them on one side
  // and a request or decision on the other is a history no single line of commands gives
  // (edit refuses them while a request is pending or an acceptance is in force).
  void edit_under_decision() {
    const auto terms_changed = [&](const Record& side) {
      return side.severity != base_->severity || side.identity != base_->identity;
    };
    static const std::set<std::string_view> decisions{"requested", "renewal-requested", "approved", "denied",
                                                      "accepted",  "closed",            "revoked"};
    const auto decided = [&](const Record& side, const Record& other) -> const Event* {
      for (const auto& e : only_in(added_entries(base_->events, side.events), added_entries(base_->events, other.events)))
        if (decisions.count(e.action))
          for (const auto& mine : side.events)
            if (mine == e) return &mine;
      return nullptr;
    };
    for (const auto& [editor, other] : {std::pair(&a_, &b_), std::pair(&b_, &a_)}) {
      if (!terms_changed(*editor)) continue;
      if (const Event* d = decided(*other, *editor)) {
        conflicts_.push_back({"", "lifecycle",
                              "the severity, identity or system was edited on one side and " + describe(*d) +
                                  " on the other (edit-under-approval)"});
        return;
      }
    }
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

  // What the finding is changes only by `reidentify` (taken from the side that made it; both
  // sides changing it differently is a conflict); whether scans still see it (missing_since,
  // set and cleared by `docket ingest`) follows the side whose newest sighting event is later.
  Source source() {
    auto identity_of = [](Source s) {
      s.missing_since.reset();
      return s;
    };
    const Source base_identity = base_ ? identity_of(base_->source) : Source{};
    Source out = three_way(base_ ? &base_identity : nullptr, identity_of(a_.source), identity_of(b_.source),
                           [&](const Source& x, const Source&) {
                             conflicts_.push_back({"", "source", "'source' was given a new identity differently on both sides"});
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
    for (auto& e : added_events(base_, side, "reidentify")) out.push_back(std::move(e));
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

  // What one side did to the lifecycle that the other side did not (a commit both sides
  // already share counts for neither).
  struct SideMoves {
    std::vector<Event> events;       // lifecycle events, oldest first
    std::vector<Approval> decisions;  // approvals and denials
    const Event* find(std::string_view action) const {
      for (const auto& e : events)
        if (e.action == action) return &e;
      return nullptr;
    }
    // The approval in `round` that ended it (its accepted/closed event has the same stamp).
    const Approval* deciding_approval(int round) const {
      for (const auto& a : decisions)
        if (a.round == round && a.decision == Decision::approve)
          for (const auto& e : events)
            if ((e.action == "accepted" || e.action == "closed") && e.stamp == a.stamp) return &a;
      return nullptr;
    }
  };

  static bool is_lifecycle_action(std::string_view action) {
    static const std::set<std::string_view> actions{"moved",  "requested", "renewal-requested", "approved", "denied",
                                                    "accepted", "closed",  "revoked",           "reopened", "reviewed"};
    return actions.count(action) > 0;
  }

  template <class T>
  static std::vector<T> only_in(const std::vector<T>& mine, const std::vector<T>& theirs) {
    return added_entries(theirs, mine);
  }

  SideMoves moves_of(const Record& side, const Record& other) const {
    SideMoves out;
    for (auto& e : only_in(added_entries(base_->events, side.events), added_entries(base_->events, other.events)))
      if (is_lifecycle_action(e.action)) out.events.push_back(std::move(e));
    out.decisions = only_in(added_entries(base_->approvals, side.approvals), added_entries(base_->approvals, other.approvals));
    return out;
  }

  static std::string describe(const Event& e) { return e.action + " by " + e.stamp.by.str(); }

  // Concurrent lifecycle changes that no single history produces, or whose "further along"
  // result a single history would not give (docs/sync.md, "Conflicts"): a person decides.
  void concurrent_lifecycle() {
    const SideMoves a = moves_of(a_, b_);
    const SideMoves b = moves_of(b_, a_);
    if (a.events.empty() && a.decisions.empty()) return;
    if (b.events.empty() && b.decisions.empty()) return;
    auto conflict = [&](std::string message) { conflicts_.push_back({"", "lifecycle", std::move(message)}); };

    std::set<int> rounds;
    for (const auto& d : a.decisions) rounds.insert(d.round);
    for (const int round : rounds) {
      const auto in_round = [&](const SideMoves& s) {
        std::vector<const Approval*> out;
        for (const auto& d : s.decisions)
          if (d.round == round) out.push_back(&d);
        return out;
      };
      const auto da = in_round(a);
      const auto db = in_round(b);
      if (db.empty()) continue;
      const auto denial = [](const std::vector<const Approval*>& ds) -> const Approval* {
        for (const auto* d : ds)
          if (d->decision == Decision::deny) return d;
        return nullptr;
      };
      const std::string r = "round " + std::to_string(round);
      const Approval* deny_a = denial(da);
      const Approval* deny_b = denial(db);
      if (deny_a && deny_b) {
        conflict(r + " was denied on both sides, by " + deny_a->stamp.by.str() + " and by " + deny_b->stamp.by.str() +
                 " (round-decided-twice)");
      } else if (deny_a || deny_b) {
        const Approval* deny = deny_a ? deny_a : deny_b;
        const Approval* other = deny_a ? db.front() : da.front();
        conflict(r + " was denied by " + deny->stamp.by.str() + " on one side and approved by " + other->stamp.by.str() +
                 " on the other (approve-deny-same-round)");
      } else if (const Approval* closing = a.deciding_approval(round) ? a.deciding_approval(round) : b.deciding_approval(round)) {
        const Approval* other = a.deciding_approval(round) ? db.front() : da.front();
        conflict(r + " was decided by " + closing->stamp.by.str() + "'s approval on one side while " + other->stamp.by.str() +
                 " approved it on the other (round-decided-twice)");
      }
    }
    // A reopen of the closed base, or a revoke of its acceptance in force, against any lifecycle
    // change the other side made to the same closed or accepted record. (Reopening or revoking
    // what a side closed or accepted itself after the fork comes after the other side's moves.)
    const bool base_closed = base_->state == State::closed;
    const bool base_in_force = base_->outcome && base_->outcome->resolution == Resolution::accepted &&
                               (base_->state == State::accepted || base_->state == State::pending_approval);
    for (const auto* action : {"reopened", "revoked"}) {
      if (!(std::string_view(action) == "reopened" ? base_closed : base_in_force)) continue;
      for (const auto& [mine, theirs] : {std::pair(&a, &b), std::pair(&b, &a)})
        if (const Event* e = mine->find(action)) {
          const std::string other = theirs->events.empty() ? std::string("a decision by ") + theirs->decisions.front().stamp.by.str()
                                                           : describe(theirs->events.front());
          conflict(describe(*e) + " on one side and " + other + " on the other (" +
                   (std::string_view(action) == "reopened" ? "reopen-concurrent" : "revoke-concurrent") + ")");
          break;
        }
    }
    const Event* review_a = a.find("reviewed");
    const Event* review_b = b.find("reviewed");
    if (review_a && review_b)
      conflict("the post-closure review was recorded on both sides, by " + review_a->stamp.by.str() + " and by " +
               review_b->stamp.by.str() + " (review-twice)");
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

std::string_view fork_rule_name() { return "fork-revoked"; }

std::optional<std::string> fork_refusal(const Email& signer, const RoleNeed& need, bool key_listed, const Policy& other) {
  const Member* m = other.find_member(signer);
  if (!m) return signer.str() + " is not a member there (removed)";
  if (std::none_of(need.any_of.begin(), need.any_of.end(), [&](Role r) { return m->roles.count(r) > 0; })) {
    std::string roles;
    for (auto r : m->roles) roles += (roles.empty() ? "" : ", ") + std::string(to_string(r));
    std::string needed;
    for (auto r : need.any_of) needed += (needed.empty() ? "" : " or ") + std::string(to_string(r));
    return signer.str() + " (" + roles + ") no longer holds the " + needed + " role needed to " + need.action + " there";
  }
  if (!key_listed) return "the key that signed it is no longer listed for " + signer.str() + " there (replaced or removed)";
  return std::nullopt;
}

MergeResult merge_records(const Record* base, const Record& ours, const Record& theirs) {
  // Whole-record shortcuts first: they are the common case and keep a one-sided change byte-exact.
  if (ours == theirs || (base && theirs == *base)) return MergeResult{ours, {}};
  if (base && ours == *base) return MergeResult{theirs, {}};
  return RecordMerger(base, ours, theirs).run();
}

}  // namespace docket::core
