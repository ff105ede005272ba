#include "render.hpp"

#include <algorithm>

#include "docket/codec/json.hpp"
#include "docket/core/display.hpp"
#include "docket/core/findings.hpp"
#include "docket/core/summary.hpp"
#include "docket/core/time.hpp"

namespace docket::cli {
namespace {

// Record text on one line of the screen (core/display.hpp): it can never start a line of its own.
std::string shown(std::string_view text) { return core::display_line(text); }
// Multi-line record text (comments, notes, reasons): its lines stay lines, indented under
// `indent` so none can pass for a history entry.
std::string shown_block(std::string_view text, std::string_view indent) { return core::display_block(text, indent); }

std::string stamp_text(const Screen& screen, const Stamp& s) { return screen.time(s.at) + " by " + shown(s.by.str()); }

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string emails(const std::vector<Email>& list) {
  std::vector<std::string> s;
  for (const auto& e : list) s.push_back(e.str());
  return join(s);
}

}  // namespace

Style state_style(State s) {
  switch (s) {
    case State::open:
    case State::triaged: return Style::yellow;
    case State::investigating:
    case State::remediating: return Style::cyan;
    case State::pending_approval: return Style::magenta;
    case State::accepted: return Style::green;
    case State::closed: return Style::dim;
  }
  return Style::none;
}

Style severity_style(Severity s) {
  switch (s) {
    case Severity::critical: return Style::bold_red;
    case Severity::high: return Style::red;
    case Severity::medium: return Style::yellow;
    case Severity::low: return Style::none;
  }
  return Style::none;
}

void render_record(std::ostream& out, const Record& r, const Screen& screen, Timestamp now) {
  const auto time = [&](Timestamp t) { return screen.time(t); };
  const auto stamp = [&](const Stamp& s) { return stamp_text(screen, s); };
  const auto heading = [&](std::string_view text) { return screen.paint(Style::bold, text); };
  out << screen.paint(Style::bold, r.id.str()) << "  " << shown(r.title) << "\n";
  out << "  state:     " << screen.paint(state_style(r.state), to_string(r.state));
  if (r.outcome) {
    out << " (" << to_string(r.outcome->resolution);
    if (r.outcome->expires) out << " until " << time(*r.outcome->expires);
    out << ")";
  }
  // An acceptance past its expiry is still recorded as accepted: say plainly that it is over.
  if (core::acceptance_expired(core::finding_input(core::summarize(r)), now))
    out << "  " << screen.paint(Style::bold_red, "EXPIRED") << (r.outcome && r.outcome->expires ? "" : " (no readable expiry)");
  out << "\n  severity:  " << screen.paint(severity_style(r.severity), to_string(r.severity)) << "\n";
  if (!r.template_name.empty()) out << "  template:  " << shown(r.template_name) << "\n";
  if (!r.identity.empty()) {
    out << "  identity:  " << shown(r.identity.kind) << (r.identity.kind.empty() ? "" : ":") << shown(r.identity.name);
    if (!r.identity.system.empty()) out << " on " << shown(r.identity.system);
    out << "\n";
  }
  out << "  owners:    " << emails(r.owners) << "\n";
  if (r.assignee) out << "  assignee:  " << shown(r.assignee->str()) << "\n";
  out << "  opened:    " << stamp(r.opened) << "\n";
  if (r.due) {
    const bool overdue = *r.due < now && !r.outcome && r.state != State::closed;
    out << "  due:       " << screen.paint(overdue ? Style::red : Style::none, time(*r.due)) << (overdue ? " (overdue)" : "") << "\n";
  }
  if (!r.source.empty()) {
    if (!r.source.tool.empty() || !r.source.rule.empty() || !r.source.location.empty()) {
      out << "  source:    " << shown(r.source.tool) << (r.source.rule.empty() ? "" : " / " + shown(r.source.rule));
      if (!r.source.location.empty()) out << " at " << shown(r.source.location);
      out << "\n";
    }
    if (!r.source.fingerprint.empty()) out << "  fingerprint: " << shown(r.source.fingerprint) << "\n";
    if (r.source.missing_since)
      out << "  not seen since: " << time(*r.source.missing_since) << " (the scanner no longer reports it)\n";
  }
  if (!r.frameworks.empty()) out << "  frameworks: " << shown(join(r.frameworks)) << "\n";
  if (!r.recurrence_of.empty()) {
    std::vector<std::string> ids;
    for (const auto& id : r.recurrence_of) ids.push_back(id.str());
    out << "  recurrence of: " << join(ids) << "\n";
  }
  if (!r.checklist.empty()) {
    out << "\n" << heading("checklist:") << "\n";
    for (const auto& item : r.checklist) {
      out << "  [" << (item.done ? "x" : " ") << "] " << shown(item.id) << " — " << shown(item.text)
          << (item.evidence_required ? " (evidence required)" : "") << "\n";
      if (item.done) {
        out << "      done " << stamp(item.done->stamp);
        if (!item.done->evidence.empty()) out << ", " << item.done->evidence.size() << " evidence";
        if (!item.done->note.empty()) out << ": " << shown_block(item.done->note, "        ");
        out << "\n";
      }
    }
  }
  if (!r.evidence.empty()) {
    out << "\n" << heading("evidence:") << "\n";
    for (const auto& e : r.evidence) {
      out << "  " << e.digest.str().substr(0, 19) << "…  " << shown(e.name) << " (" << e.size << " bytes) added "
          << stamp(e.added) << (e.note.empty() ? "" : ": " + shown_block(e.note, "    ")) << "\n";
    }
  }
  if (!r.requests.empty()) {
    out << "\n" << heading("requests:") << "\n";
    for (const auto& q : r.requests) {
      out << "  round " << q.round << ": " << to_string(q.resolution) << " requested " << stamp(q.requested);
      if (q.expires) out << ", until " << time(*q.expires);
      out << "\n      reason: " << shown_block(q.reason, "        ") << "\n";
      for (const auto& c : q.controls) out << "      control: " << shown(c) << "\n";
      for (const auto& a : r.approvals)
        if (a.round == q.round)
          out << "      " << (a.decision == Decision::approve ? screen.paint(Style::green, "approved") : screen.paint(Style::red, "denied"))
              << " " << stamp(a.stamp)
              << (a.note.empty() ? "" : ": " + shown_block(a.note, "        ")) << "\n";
    }
  }
  if (r.outcome) {
    out << "\n" << heading("outcome:") << " " << to_string(r.outcome->resolution) << ", decided " << stamp(r.outcome->decided);
    if (!r.outcome->reason.empty()) out << "\n  reason: " << shown_block(r.outcome->reason, "    ");
    out << "\n";
  }
  if (r.review.due || r.review.done) {
    out << "\n" << heading("post-closure review:") << " ";
    if (r.review.done) out << "recorded " << stamp(*r.review.done) << ": " << shown_block(r.review.note, "  ") << "\n";
    else out << "due " << time(*r.review.due) << "\n";
  }
  if (!r.events.empty() || !r.comments.empty()) {
    out << "\n" << heading("history:") << "\n";
    // Events and comments interleaved by time: the story in the order it happened.
    struct Line {
      Timestamp at;
      std::string text;
    };
    std::vector<Line> lines;
    for (const auto& e : r.events)
      lines.push_back({e.stamp.at, time(e.stamp.at) + "  " + shown(e.stamp.by.str()) + "  " + shown(e.action) +
                                       (e.detail.empty() ? "" : ": " + shown_block(e.detail, "      "))});
    // A comment's own lines are indented deeper than any history entry starts.
    for (const auto& c : r.comments)
      lines.push_back({c.stamp.at, time(c.stamp.at) + "  " + shown(c.stamp.by.str()) + "  comment: " +
                                       shown_block(c.text, "      ")});
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.at < b.at; });
    for (const auto& l : lines) out << "  " << l.text << "\n";
  }
}

ListLayout list_layout(std::size_t id_width, const Screen& screen) {
  ListLayout l;
  l.id = std::max<std::size_t>(id_width, 2);
  if (screen.width == 0) return l;  // not a terminal: every column whole
  // A terminal: the title takes what is left, at least 20 columns; the assignee column is shown
  // only when it leaves the title that much.
  const std::size_t fixed = l.id + 2 + l.state + 2 + l.severity + 2 + l.due + 2;
  const std::size_t min_title = 20;
  // A terminal's last column makes some terminals wrap: leave it free.
  if (fixed + l.assignee + 2 + min_title + 1 > screen.width) l.assignee = 0;
  const std::size_t used = fixed + (l.assignee ? l.assignee + 2 : 0);
  l.title = screen.width > used + 11 ? screen.width - used - 1 : 10;
  return l;
}

std::string list_header(const ListLayout& l) {
  std::string out;
  append_fitted(out, "ID", l.id, true);
  out += "  ";
  append_fitted(out, "STATE", l.state, true);
  out += "  ";
  append_fitted(out, "SEVERITY", l.severity, true);
  out += "  ";
  append_fitted(out, "DUE / EXPIRES", l.due, true);
  out += "  ";
  if (l.assignee) {
    append_fitted(out, "ASSIGNEE", l.assignee, true);
    out += "  ";
  }
  out += "TITLE\n";
  return out;
}

void append_list_line(std::string& out, const app::ListedException& r, const ListLayout& l, const Screen& screen, Timestamp now) {
  append_fitted(out, r.id, l.id, true);
  out += "  ";
  std::string cell;
  append_fitted(cell, to_string(r.state), l.state, true);
  out += screen.paint(state_style(r.state), cell);
  out += "  ";
  cell.clear();
  append_fitted(cell, to_string(r.severity), l.severity, true);
  out += screen.paint(severity_style(r.severity), cell);
  out += "  ";
  // An acceptance in force shows when it expires; every other exception its SLA due time. Many
  // lines share one time (an ingest opens hundreds at once): format each time once.
  core::FindingInput in;
  in.state = r.state;
  in.due = r.due;
  in.decided = r.decided;
  in.expires = r.expires;
  const bool accepted = core::acceptance_in_force(in);
  const std::optional<Timestamp> when = app::shown_deadline(r.state, r.decided, r.due, r.expires);
  // Red as check judges it: an SLA breached, or an acceptance expired.
  const bool late = core::sla_breached(in, now) || core::acceptance_expired(in, now);
  thread_local std::optional<Timestamp> last_when;
  thread_local bool last_local = false;
  thread_local std::string last_text;
  if (when && (when != last_when || last_local != screen.local_time)) {
    last_when = when;
    last_local = screen.local_time;
    last_text = screen.time_short(*when);
  }
  cell.clear();
  append_fitted(cell, when ? std::string_view(last_text) : accepted ? "no expiry" : "-", l.due, true);
  out += screen.paint(late ? Style::red : Style::none, cell);
  out += "  ";
  if (l.assignee) {
    append_fitted(out, r.assignee.empty() ? "-" : core::display_line(r.assignee), l.assignee, true);
    out += "  ";
  }
  if (l.title == 0) {
    core::append_display_line(out, r.title);
  } else {
    append_fitted(out, core::display_line(r.title), l.title, false);
  }
  out += '\n';
}

std::string list_json_head() {
  return "{\"schema_version\":" + std::to_string(codec::kJsonSchemaVersion) + ",\"exceptions\":";
}

void render_json(std::ostream& out, const Record& r) { out << codec::json_document("exception", codec::to_json(r)).dump(2) << "\n"; }

}  // namespace docket::cli
