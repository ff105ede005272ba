#include "docket/core/exception_filter.hpp"

#include <algorithm>
#include <tuple>

namespace docket::core {
namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return fold(x) == fold(y); });
}

template <typename T>
bool any_of_or_none(const std::vector<T>& wanted, T value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

bool has_owner(const RecordSummary& r, const Email& who) {
  return std::any_of(r.owners.begin(), r.owners.end(), [&](const Email& o) { return equal_ignoring_case(o.str(), who.str()); });
}

bool text_in_summary(const ExceptionFilter& f, const RecordSummary& r) {
  return contains_ignoring_case(r.title, f.grep) || contains_ignoring_case(r.identity.kind, f.grep) ||
         contains_ignoring_case(r.identity.name, f.grep) || contains_ignoring_case(r.identity.system, f.grep);
}

// Every criterion a summary holds, the text aside.
bool summary_fields_match(const ExceptionFilter& f, const RecordSummary& r) {
  if (f.owner && !has_owner(r, *f.owner)) return false;
  if (f.mine && !has_owner(r, *f.mine) && !(r.assignee && equal_ignoring_case(r.assignee->str(), f.mine->str())))
    return false;
  if (f.template_name && r.template_name != *f.template_name) return false;
  if (f.identity && (r.identity.kind != f.identity->kind || r.identity.name != f.identity->name)) return false;
  if (f.system && r.identity.system != *f.system) return false;
  if (f.tool && r.source.tool != *f.tool) return false;
  return true;
}

}  // namespace

bool is_empty(const ExceptionFilter& f) { return f == ExceptionFilter{}; }

bool needs_summary(const ExceptionFilter& f) {
  return f.owner || f.mine || f.template_name || f.identity || f.system || f.tool || !f.grep.empty();
}

FilterRow filter_row(const RecordSummary& r) {
  FilterRow row;
  row.state = r.state;
  row.severity = r.severity;
  row.due = r.due;
  if (r.outcome) {
    row.decided = r.outcome->resolution;
    row.expires = r.outcome->expires;
  }
  if (r.assignee) row.assignee = r.assignee->str();
  return row;
}

bool matches_row(const ExceptionFilter& f, const FilterRow& row, Timestamp at) {
  if (!any_of_or_none(f.states, row.state) || !any_of_or_none(f.severities, row.severity)) return false;
  if (f.assignee && !equal_ignoring_case(row.assignee, f.assignee->str())) return false;
  if (f.overdue || f.expiring || f.expired) {
    // The deadlines as core/findings judges them (the id plays no part).
    FindingInput in;
    in.state = row.state;
    in.severity = row.severity;
    in.due = row.due;
    in.decided = row.decided;
    in.expires = row.expires;
    if (f.overdue && !sla_breached(in, at)) return false;
    if (f.expiring && !acceptance_expiring(in, at, *f.expiring)) return false;
    if (f.expired && !acceptance_expired(in, at)) return false;
  }
  return true;
}

FilterMatch matches(const ExceptionFilter& f, const RecordSummary& r, Timestamp at) {
  if (!matches_row(f, filter_row(r), at) || !summary_fields_match(f, r)) return FilterMatch::no;
  if (f.grep.empty() || text_in_summary(f, r)) return FilterMatch::yes;
  return FilterMatch::if_comments_match;
}

bool comments_match(const ExceptionFilter& f, const std::vector<Comment>& comments) {
  return !f.grep.empty() &&
         std::any_of(comments.begin(), comments.end(), [&](const Comment& c) { return contains_ignoring_case(c.text, f.grep); });
}

bool matches(const ExceptionFilter& f, const Record& r, Timestamp at) {
  switch (matches(f, summarize(r), at)) {
    case FilterMatch::no: return false;
    case FilterMatch::yes: return true;
    case FilterMatch::if_comments_match: return comments_match(f, r.comments);
  }
  return false;
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return fold(x) == fold(y); }) != haystack.end();
}

std::string_view to_string(ListSort sort) {
  switch (sort) {
    case ListSort::opened: return "opened";
    case ListSort::due: return "due";
    case ListSort::severity: return "severity";
    case ListSort::state: return "state";
  }
  return "unknown";
}

std::optional<ListSort> parse_list_sort(std::string_view text) {
  for (const ListSort sort : kListSorts)
    if (to_string(sort) == text) return sort;
  return std::nullopt;
}

std::string list_sort_names() {
  std::string names;
  for (const ListSort sort : kListSorts) names += (names.empty() ? "" : ", ") + std::string(to_string(sort));
  return names;
}

bool sorts_before(ListSort sort, const SortFields& a, const SortFields& b) {
  const auto by_default = [&] { return std::tie(a.opened, a.id) < std::tie(b.opened, b.id); };
  switch (sort) {
    case ListSort::opened: return by_default();
    case ListSort::due:
      if (a.due != b.due) {
        if (!a.due || !b.due) return a.due.has_value();  // none last
        return *a.due < *b.due;
      }
      return by_default();
    case ListSort::severity:
      // The enum lists the most severe first.
      return a.severity != b.severity ? a.severity < b.severity : by_default();
    case ListSort::state:
      // The enum lists the states in lifecycle order.
      return a.state != b.state ? a.state < b.state : by_default();
  }
  return by_default();
}

}  // namespace docket::core
