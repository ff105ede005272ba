// `docket report` renderers. The figures come from core::build_report; this file only formats
// them, escaping every record-derived string for the format it lands in.

#include "docket/app/report_render.hpp"


#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "docket/codec/json.hpp"
#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

namespace docket::app {
namespace {

using core::ReportData;
using nlohmann::json;

constexpr std::array kAllStates{State::open,       State::triaged,          State::investigating, State::remediating,
                                State::pending_approval, State::accepted, State::closed};
constexpr std::array kAllSeverities{Severity::critical, Severity::high, Severity::medium, Severity::low};

template <typename K>
int count_of(const std::map<K, int>& counts, const K& key) {
  const auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::vector<std::string> email_texts(const std::vector<Email>& emails) {
  std::vector<std::string> out;
  for (const auto& e : emails) out.push_back(e.str());
  return out;
}

std::vector<std::string> id_texts(const std::vector<ExceptionId>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) out.push_back(id.str());
  return out;
}

// A duration for people, two units at most: `3d 4h`, `5h 12m`, `12m`, `40s`.
std::string human_duration(Duration d) {
  const bool negative = d.seconds < 0;
  const std::int64_t s = negative ? -d.seconds : d.seconds;
  std::string out;
  if (s >= 86400) {
    out = std::to_string(s / 86400) + "d";
    if (const auto h = (s % 86400) / 3600) out += " " + std::to_string(h) + "h";
  } else if (s >= 3600) {
    out = std::to_string(s / 3600) + "h";
    if (const auto m = (s % 3600) / 60) out += " " + std::to_string(m) + "m";
  } else if (s >= 60) {
    out = std::to_string(s / 60) + "m";
  } else {
    out = std::to_string(s) + "s";
  }
  return negative ? "-" + out : out;
}

std::string optional_duration(const std::optional<Duration>& d) { return d ? human_duration(*d) : "-"; }
std::string optional_time(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : ""; }
// Dates are enough for people in tables; the JSON and CSV keep whole timestamps.
std::string short_date(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t).substr(0, 10) : "-"; }

std::string accepted_status(const core::AcceptedItem& item) {
  std::string status = !item.expires     ? "expired (no readable expiry)"
                       : item.expired      ? "expired"
                       : item.expiring_soon ? "expiring soon"
                                            : "in force";
  if (item.renewal_pending) status += ", renewal pending";
  return status;
}

std::string expiry_text(const core::AcceptedItem& item) {
  return item.expires ? format_rfc3339(*item.expires) : "none recorded";
}

// A decision's status: the resolution, and for an acceptance still standing whether it is in
// force or expired (the same words as the acceptances table).
std::string decision_status(const core::DecisionItem& d) {
  std::string status(to_string(d.resolution));
  if (!d.acceptance_standing) return status;
  status += d.expired ? ", expired" : d.expiring_soon ? ", in force, expiring soon" : ", in force";
  if (d.renewal_pending) status += ", renewal pending";
  return status;
}

std::string decision_expiry(const core::DecisionItem& d) {
  if (d.expires) return format_rfc3339(*d.expires);
  return d.resolution == Resolution::accepted ? "none recorded" : "-";
}

// `2026-12-01` and `10:00:00Z` on two lines, for a narrow table column.
std::string two_line_time(Timestamp t) {
  const std::string text = format_rfc3339(t);
  return text.size() > 11 && text[10] == 'T' ? text.substr(0, 10) + "\n" + text.substr(11) : text;
}

// `who at time`, raw text (escape it for the format).
std::string stamp_text(const Stamp& s) { return s.by.str() + " at " + format_rfc3339(s.at); }

// Who decided: the approvers of the deciding round with their times; a revocation (no approval)
// names who revoked it.
std::vector<std::string> decider_texts(const core::DecisionItem& d) {
  std::vector<std::string> out;
  for (const auto& s : d.approvers) out.push_back(stamp_text(s));
  if (out.empty()) out.push_back((d.resolution == Resolution::revoked ? "revoked by " : "decided by ") + stamp_text(d.decided));
  return out;
}

// `EX-… (system)` for each member of a recurrence group, raw text.
std::vector<std::string> member_texts(const core::RecurrenceGroup& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members)
    out.push_back(m.id.str() + " (" + (m.system.empty() ? std::string("no system") : m.system) + ", " +
                  std::string(to_string(m.state)) + ")");
  // Linked ids no longer in the store.
  for (const auto& id : g.ids)
    if (std::none_of(g.members.begin(), g.members.end(), [&](const core::RecurrenceMember& m) { return m.id == id; }))
      out.push_back(id.str() + " (not in the store)");
  return out;
}

// ---- JSON ----

json stats_json(const core::DurationStats& s) {
  const auto seconds = [](const std::optional<Duration>& d) { return d ? json(d->seconds) : json(nullptr); };
  return {{"count", s.count}, {"median_seconds", seconds(s.median)}, {"max_seconds", seconds(s.max)}};
}

// What the report judged of one exception at its time; the exception itself is the record object
// under `exceptions`, named here by id.
json timing_json(const core::ReportRow& row) {
  return {{"id", row.id.str()}, {"age_seconds", row.age.seconds}, {"overdue", row.overdue}};
}

// ---- Markdown ----

std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "| " + join(header, " | ") + " |\n|";
  for (std::size_t i = 0; i < header.size(); ++i) out += " --- |";
  out += "\n";
  for (const auto& row : rows) out += "| " + join(row, " | ") + " |\n";
  return out;
}

std::string render_markdown(const ReportData& d) {
  const auto m = [](std::string_view s) { return markdown_escape(s); };
  std::ostringstream out;
  out << "# docket report\n\nAt " << format_rfc3339(d.at) << ".\n\n## Summary\n\n";
  out << md_table({"", "exceptions"}, {{"total", std::to_string(d.total)},
                                       {"open (not closed)", std::to_string(d.open)},
                                       {"closed", std::to_string(d.closed)},
                                       {"overdue (SLA breached)", std::to_string(d.overdue)},
                                       {"acceptances in force", std::to_string(d.acceptances_in_force)},
                                       {"acceptances expired (not revoked or renewed)",
                                        std::to_string(d.acceptances_expired)}});
  if (!d.unreadable.empty()) {
    std::vector<std::vector<std::string>> lines;
    for (const auto& u : d.unreadable) lines.push_back({m(u.path), m(u.reason)});
    out << "\n## Unreadable records\n\n" << d.unreadable.size()
        << " record file" << (d.unreadable.size() == 1 ? "" : "s")
        << " could not be read and " << (d.unreadable.size() == 1 ? "is" : "are")
        << " left out of every figure in this report. Run `docket verify` and have an admin repair "
        << (d.unreadable.size() == 1 ? "it" : "them") << ".\n\n"
        << md_table({"path", "reason"}, lines);
  }

  std::vector<std::vector<std::string>> rows;
  for (const State s : kAllStates) rows.push_back({std::string(to_string(s)), std::to_string(count_of(d.by_state, s))});
  out << "\n## By state (all exceptions)\n\n" << md_table({"state", "exceptions"}, rows);

  rows.clear();
  for (const Severity s : kAllSeverities)
    rows.push_back({std::string(to_string(s)), std::to_string(count_of(d.by_severity, s))});
  out << "\n## Open exceptions by severity\n\n" << md_table({"severity", "open"}, rows);

  rows.clear();
  for (const auto& [owner, n] : d.by_owner) rows.push_back({m(owner), std::to_string(n)});
  out << "\n## Open exceptions by owner\n\n" << (rows.empty() ? "None.\n" : md_table({"owner", "open"}, rows));

  rows.clear();
  for (const auto& bucket : d.aging) rows.push_back({m(bucket.label), std::to_string(bucket.count)});
  out << "\n## Aging of open exceptions\n\n" << md_table({"age", "open"}, rows);
  out << "\nMedian age " << optional_duration(d.open_age.median) << ", oldest " << optional_duration(d.open_age.max)
      << "; " << d.overdue << " overdue.\n";

  const auto stats_row = [](std::string name, const core::DurationStats& s) {
    return std::vector<std::string>{std::move(name), std::to_string(s.count), optional_duration(s.median),
                                    optional_duration(s.max)};
  };
  out << "\n## Time to decision and to close\n\n"
      << md_table({"measure", "exceptions", "median", "max"},
                  {stats_row("time to decision (opened to first approve or deny)", d.time_to_decision),
                   stats_row("time to close (opened to closed)", d.time_to_close)});

  rows.clear();
  for (const auto& item : d.accepted)
    rows.push_back({item.id.str(), m(item.title), std::string(to_string(item.severity)), expiry_text(item),
                    accepted_status(item)});
  out << "\n## Accepted exceptions\n\n" << d.acceptances_in_force << " in force, " << d.acceptances_expired
      << " expired (past their expiry and neither revoked nor renewed).\n\n"
      << (rows.empty() ? "None.\n" : md_table({"id", "title", "severity", "expires", "status"}, rows));

  rows.clear();
  for (const auto& item : d.decisions) {
    std::vector<std::string> approvers, controls;
    for (const auto& a : decider_texts(item)) approvers.push_back(m(a));
    for (const auto& c : item.controls) controls.push_back(m(c));
    rows.push_back({item.id.str(), m(item.title), decision_status(item), m(item.reason), join(approvers, "; "),
                    controls.empty() ? "-" : join(controls, "; "), decision_expiry(item)});
  }
  out << "\n## Decisions\n\nEvery decided exception: the resolution, the reason, who approved it and when, the "
         "compensating controls and the expiry.\n\n"
      << (rows.empty() ? "None.\n"
                       : md_table({"id", "title", "resolution", "reason", "approved by", "compensating controls", "expires"},
                                  rows));

  rows.clear();
  for (const auto& g : d.recurrence)
    rows.push_back({m(g.identity), m(join(member_texts(g), ", ")), m(join(g.systems, ", "))});
  out << "\n## Recurrence across systems\n\nExceptions for the same identity (kind and name), on any system, or "
         "linked when opened.\n\n"
      << (rows.empty() ? "None.\n" : md_table({"identity", "exceptions", "systems"}, rows));

  out << "\n## Coverage by framework\n";
  for (const auto& family : d.frameworks) {
    out << "\n### " << m(family.family) << " (" << family.records << " exception" << (family.records == 1 ? "" : "s")
        << ")\n\n";
    rows.clear();
    for (const auto& [ref, n] : family.by_id) rows.push_back({m(ref), std::to_string(n)});
    out << (rows.empty() ? "No exception cites this framework.\n" : md_table({"reference", "exceptions"}, rows));
  }

  rows.clear();
  for (const auto& r : d.rows)
    rows.push_back({r.id.str(), m(r.title), std::string(to_string(r.state)), std::string(to_string(r.severity)),
                    m(join(email_texts(r.owners), ", ")), short_date(r.opened), short_date(r.due),
                    human_duration(r.age), r.overdue ? "yes" : ""});
  out << "\n## Exceptions\n\n"
      << (rows.empty() ? "None.\n"
                       : md_table({"id", "title", "state", "severity", "owners", "opened", "due", "age", "overdue"}, rows));
  return out.str();
}

// ---- CSV ----

std::string render_csv(const ReportData& d) {
  std::string out;
  const auto line = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += csv_field(cells[i]);
    }
    out += "\r\n";  // RFC 4180 line break
  };
  line({"id", "title", "state", "severity", "identity_kind", "identity", "system", "owners", "assignee", "opened",
        "due", "age_days", "overdue", "resolution", "expires", "frameworks"});
  for (const auto& r : d.rows)
    line({r.id.str(), r.title, std::string(to_string(r.state)), std::string(to_string(r.severity)), r.identity_kind,
          r.identity_name, r.system, join(email_texts(r.owners), "; "), r.assignee ? r.assignee->str() : "",
          format_rfc3339(r.opened), optional_time(r.due), std::to_string(r.age.seconds / 86400),
          r.overdue ? "yes" : "no", r.resolution ? std::string(to_string(*r.resolution)) : "", optional_time(r.expires),
          join(r.frameworks, "; ")});
  return out;
}

// ---- HTML ----

struct Bar {
  std::string label;   // raw text; escaped when drawn
  int value = 0;
  std::string color;   // a constant from this file, never record data
  bool heading = false;  // a group label row without a bar
};

// Cuts `text` to `max` code points with an ellipsis, for chart labels (the full text is in the
// bar's tooltip).
std::string shorten(const std::string& text, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points == max) return text.substr(0, i) + "…";
    ++points;
  }
  return text;
}

// A horizontal bar chart as inline SVG: label, bar scaled to the largest value, value.
// `label_width` leaves room for the longest label the caller expects.
std::string svg_bar_chart(std::string_view title, const std::vector<Bar>& bars, int label_width = 120) {
  constexpr int kBarArea = 300, kRow = 26, kBarHeight = 16;
  const int width_total = label_width + kBarArea + 50;
  int largest = 1;
  for (const auto& b : bars) largest = std::max(largest, b.value);
  const int height = static_cast<int>(bars.size()) * kRow + 8;
  std::ostringstream svg;
  svg << "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_total << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width_total << ' ' << height << "\" role=\"img\" aria-label=\"" << html_escape(title)
      << "\">";
  int y = 4;
  for (const auto& b : bars) {
    const int text_y = y + kBarHeight - 3;
    if (b.heading) {
      svg << "<text x=\"0\" y=\"" << text_y << "\" class=\"group\">" << html_escape(shorten(b.label, 40)) << "</text>";
    } else {
      const int width = b.value == 0 ? 0 : std::max(2, b.value * kBarArea / largest);
      svg << "<g><title>" << html_escape(b.label) << ": " << b.value << "</title>"
          << "<text x=\"" << label_width - 8 << "\" y=\"" << text_y << "\" text-anchor=\"end\">"
          << html_escape(shorten(b.label, 26)) << "</text>"
          << "<rect x=\"" << label_width << "\" y=\"" << y << "\" width=\"" << width << "\" height=\"" << kBarHeight
          << "\" rx=\"3\" fill=\"" << b.color << "\"/>"
          << "<text x=\"" << label_width + width + 6 << "\" y=\"" << text_y << "\" class=\"value\">" << b.value
          << "</text></g>";
    }
    y += kRow;
  }
  svg << "</svg>";
  return svg.str();
}

std::string state_color(State s) {
  switch (s) {
    case State::open: return "#64748b";
    case State::triaged: return "#0ea5e9";
    case State::investigating: return "#6366f1";
    case State::remediating: return "#8b5cf6";
    case State::pending_approval: return "#f59e0b";
    case State::accepted: return "#10b981";
    case State::closed: return "#94a3b8";
  }
  return "#64748b";
}

std::string severity_color(Severity s) {
  switch (s) {
    case Severity::critical: return "#b91c1c";
    case Severity::high: return "#ea580c";
    case Severity::medium: return "#ca8a04";
    case Severity::low: return "#2563eb";
  }
  return "#64748b";
}

// A table whose cells are already HTML (escaped by the caller). `classes` names a CSS class per
// column (`id`, `nowrap`, `title`), or is empty.
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::string& empty_text, const std::vector<std::string>& classes = {}) {
  if (rows.empty()) return "<p class=\"none\">" + empty_text + "</p>";
  std::string out = "<table><thead><tr>";
  for (const auto& h : header) out += "<th>" + h + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i)
      out += (i < classes.size() && !classes[i].empty() ? "<td class=\"" + classes[i] + "\">" : std::string("<td>")) +
             row[i] + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string badge(const std::string& text, const std::string& kind) {
  return "<span class=\"badge " + kind + "\">" + html_escape(text) + "</span>";
}

std::string severity_badge(Severity s) { return badge(std::string(to_string(s)), "sev-" + std::string(to_string(s))); }

std::string card(const std::string& label, std::size_t value, const std::string& kind = {}) {
  return "<div class=\"card " + kind + "\"><div class=\"num\">" + std::to_string(value) + "</div><div class=\"label\">" +
         label + "</div></div>";
}

constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1e293b; background: #f8fafc; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #e2e8f0; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: #64748b; margin: 0 0 20px; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 16px; }
.card .num { font-size: 28px; font-weight: 650; }
.card .label { color: #64748b; }
.card.warn .num { color: #b91c1c; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.panel { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 16px; overflow-x: auto; }
.panel h3 { margin-top: 0; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg.chart text { fill: #334155; }
svg.chart text.value { fill: #0f172a; font-weight: 600; }
svg.chart text.group { font-weight: 700; fill: #0f172a; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
th { background: #f1f5f9; font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #f8fafc; }
td.id, td.nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
td.title { word-break: break-word; }
td.text { white-space: pre-line; word-break: break-word; min-width: 150px; }
td.exc { min-width: 190px; word-break: break-word; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; color: #475569; }
td.people { font-size: 12.5px; white-space: pre; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: 4px; }
td.text ul.plain li { white-space: normal; }
.none { color: #64748b; font-style: italic; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600;
         background: #e2e8f0; color: #334155; white-space: nowrap; }
.sev-critical { background: #fee2e2; color: #991b1b; } .sev-high { background: #ffedd5; color: #9a3412; }
.sev-medium { background: #fef9c3; color: #854d0e; } .sev-low { background: #dbeafe; color: #1e40af; }
.bad { background: #fee2e2; color: #991b1b; } .soon { background: #fef3c7; color: #92400e; }
.good { background: #d1fae5; color: #065f46; }
footer { margin-top: 36px; color: #94a3b8; font-size: 12px; }
)css";

std::string render_html(const ReportData& d) {
  const auto h = [](std::string_view s) { return html_escape(s); };
  std::ostringstream out;
  // The CSP forbids scripts and any fetch: even an escaping bug could not run code or call out.
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>docket report " << h(format_rfc3339(d.at)) << "</title><style>" << kStyle << "</style></head><body><main>\n";
  out << "<h1>docket report</h1><p class=\"sub\">Exceptions on non-human identities, at " << h(format_rfc3339(d.at))
      << "</p>\n";
  const auto count = [](int v) { return static_cast<std::size_t>(v); };
  out << "<div class=\"cards\">" << card("exceptions", count(d.total)) << card("open (not closed)", count(d.open))
      << card("closed", count(d.closed)) << card("overdue", count(d.overdue), d.overdue ? "warn" : "")
      << card("acceptances in force", count(d.acceptances_in_force))
      << card("acceptances expired", count(d.acceptances_expired), d.acceptances_expired ? "warn" : "") << "</div>\n";

  if (!d.unreadable.empty()) {
    out << "<h2>Unreadable records</h2><div class=\"panel\"><p>" << d.unreadable.size() << " record file"
        << (d.unreadable.size() == 1 ? "" : "s") << " could not be read and "
        << (d.unreadable.size() == 1 ? "is" : "are")
        << " left out of every figure in this report. Run <code>docket verify</code> and have an admin repair "
        << (d.unreadable.size() == 1 ? "it" : "them") << ".</p><table><tr><th>path</th><th>reason</th></tr>";
    for (const auto& u : d.unreadable) out << "<tr><td>" << h(u.path) << "</td><td>" << h(u.reason) << "</td></tr>";
    out << "</table></div>\n";
  }
  std::vector<Bar> bars;
  for (const State s : kAllStates) bars.push_back({std::string(to_string(s)), count_of(d.by_state, s), state_color(s)});
  out << "<h2>Where the exceptions are</h2><div class=\"grid2\"><div class=\"panel\"><h3>By state (all)</h3>"
      << svg_bar_chart("exceptions by state", bars) << "</div>";
  bars.clear();
  for (const Severity s : kAllSeverities)
    bars.push_back({std::string(to_string(s)), count_of(d.by_severity, s), severity_color(s)});
  out << "<div class=\"panel\"><h3>Open, by severity</h3>" << svg_bar_chart("open exceptions by severity", bars)
      << "</div></div>\n";

  std::vector<std::vector<std::string>> rows;
  for (const auto& [owner, n] : d.by_owner) rows.push_back({h(owner), std::to_string(n)});
  bars.clear();
  for (const auto& bucket : d.aging) bars.push_back({bucket.label, bucket.count, "#0ea5e9"});
  out << "<div class=\"grid2\" style=\"margin-top:16px\"><div class=\"panel\"><h3>Open, by owner</h3>"
      << html_table({"owner", "open"}, rows, "No open exceptions.") << "</div>"
      << "<div class=\"panel\"><h3>Aging of open exceptions</h3>" << svg_bar_chart("open exceptions by age", bars)
      << "<p>Median age <b>" << optional_duration(d.open_age.median) << "</b>, oldest <b>"
      << optional_duration(d.open_age.max) << "</b>; <b>" << d.overdue << "</b> overdue.</p></div></div>\n";

  const auto stats_row = [](std::string name, const core::DurationStats& s) {
    return std::vector<std::string>{std::move(name), std::to_string(s.count), optional_duration(s.median),
                                    optional_duration(s.max)};
  };
  out << "<h2>Time to decision and to close</h2>"
      << html_table({"measure", "exceptions", "median", "max"},
                    {stats_row("time to decision (opened to first approve or deny)", d.time_to_decision),
                     stats_row("time to close (opened to closed)", d.time_to_close)},
                    "")
      << "\n";

  rows.clear();
  for (const auto& item : d.accepted) {
    const std::string kind = item.expired ? "bad" : item.expiring_soon ? "soon" : "good";
    rows.push_back({h(item.id.str()), h(item.title), severity_badge(item.severity), h(expiry_text(item)),
                    badge(accepted_status(item), kind)});
  }
  out << "<h2>Accepted exceptions</h2><p><b>" << d.acceptances_in_force << "</b> in force, <b>" << d.acceptances_expired
      << "</b> expired (past their expiry and neither revoked nor renewed).</p>"
      << html_table({"id", "title", "severity", "expires", "status"}, rows, "No acceptance is in force or expired.",
                    {"id", "title", "", "nowrap", ""})
      << "\n";

  rows.clear();
  const auto html_list = [&h](const std::vector<std::string>& items) {
    if (items.empty()) return std::string("<span class=\"none\">none</span>");
    std::string list = "<ul class=\"plain\">";
    for (const auto& item : items) list += "<li>" + h(item) + "</li>";
    return list + "</ul>";
  };
  for (const auto& item : d.decisions) {
    const std::string kind = item.acceptance_standing ? (item.expired ? "bad" : item.expiring_soon ? "soon" : "good") : "";
    // Each approver on two lines: who, then when.
    std::vector<std::string> approvers;
    for (const auto& a : item.approvers) approvers.push_back(a.by.str() + "\n" + format_rfc3339(a.at));
    if (approvers.empty())
      approvers.push_back((item.resolution == Resolution::revoked ? "revoked by " : "decided by ") + item.decided.by.str() +
                          "\n" + format_rfc3339(item.decided.at));
    rows.push_back({"<span class=\"mono\">" + h(item.id.str()) + "</span><br>" + h(item.title),
                    badge(decision_status(item), kind), h(item.reason), html_list(approvers), html_list(item.controls),
                    h(item.expires ? two_line_time(*item.expires) : decision_expiry(item))});
  }
  out << "<h2>Decisions</h2><p>Every decided exception: the resolution, the reason, who approved it and when, the "
         "compensating controls and the expiry.</p>"
      << html_table({"exception", "resolution", "reason", "approved by", "compensating controls", "expires"}, rows,
                    "No exception has been decided.", {"exc", "", "text", "people", "text", "people"})
      << "\n";

  rows.clear();
  for (const auto& g : d.recurrence) {
    std::vector<std::string> members = member_texts(g);
    rows.push_back({h(g.identity), html_list(members), h(join(g.systems, ", "))});
  }
  out << "<h2>Recurrence across systems</h2><p>Exceptions for the same identity (kind and name), on any system, or "
         "linked when opened.</p>"
      << html_table({"identity", "exceptions", "systems"}, rows, "No exception recurs.", {"title", "", ""}) << "\n";

  bars.clear();
  for (const auto& family : d.frameworks) {
    bars.push_back({family.family + " — " + std::to_string(family.records) + " exception" +
                        (family.records == 1 ? "" : "s"),
                    0, "", true});
    for (const auto& [ref, n] : family.by_id) {
      const auto colon = ref.find(':');
      bars.push_back({colon == std::string::npos ? ref : ref.substr(colon + 1), n, "#6366f1"});
    }
  }
  out << "<h2>Coverage by framework</h2><div class=\"panel\">" << svg_bar_chart("exceptions per framework reference", bars, 190)
      << "</div>\n";

  rows.clear();
  for (const auto& r : d.rows)
    rows.push_back({h(r.id.str()), h(r.title), h(std::string(to_string(r.state))), severity_badge(r.severity),
                    h(join(email_texts(r.owners), ", ")), short_date(r.opened), short_date(r.due), human_duration(r.age),
                    r.overdue ? badge("overdue", "bad") : ""});
  out << "<h2>Exceptions</h2>"
      << html_table({"id", "title", "state", "severity", "owners", "opened", "due", "age", "SLA"}, rows,
                    "The store holds no exception.", {"id", "title", "nowrap", "", "", "nowrap", "nowrap", "nowrap", ""})
      << "\n";
  out << "<footer>Generated by docket from the signed history of the store. Check it with <code>docket verify</code>."
      << "</footer></main></body></html>\n";
  return out.str();
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view text) {
  if (text == "md" || text == "markdown") return ReportFormat::markdown;
  if (text == "json") return ReportFormat::json;
  if (text == "csv") return ReportFormat::csv;
  if (text == "html") return ReportFormat::html;
  return std::nullopt;
}

namespace {

// The report as JSON with an empty `exceptions` array (the record objects are added by the
// caller).
json report_json_head(const ReportData& d) {
  json by_state = json::object(), by_severity = json::object(), by_owner = json::object();
  for (const State s : kAllStates) by_state[std::string(to_string(s))] = count_of(d.by_state, s);
  for (const Severity s : kAllSeverities) by_severity[std::string(to_string(s))] = count_of(d.by_severity, s);
  for (const auto& [owner, n] : d.by_owner) by_owner[owner] = n;
  json aging = json::array();
  for (const auto& b : d.aging)
    aging.push_back({{"label", b.label},
                     {"from_seconds", b.from.seconds},
                     {"to_seconds", b.to ? json(b.to->seconds) : json(nullptr)},
                     {"count", b.count}});
  json accepted = json::array();
  for (const auto& item : d.accepted)
    accepted.push_back({{"id", item.id.str()},
                        {"expires", item.expires ? json(format_rfc3339(*item.expires)) : json(nullptr)},
                        {"expired", item.expired},
                        {"expiring_soon", item.expiring_soon},
                        {"renewal_pending", item.renewal_pending}});
  json recurrence = json::array();
  for (const auto& g : d.recurrence)
    recurrence.push_back({{"identity", g.identity}, {"ids", id_texts(g.ids)}, {"systems", g.systems}});
  json decisions = json::array();
  const auto stamp_json = [](const Stamp& s) { return json{{"by", s.by.str()}, {"at", format_rfc3339(s.at)}}; };
  for (const auto& item : d.decisions) {
    json approvers = json::array();
    for (const auto& a : item.approvers) approvers.push_back(stamp_json(a));
    decisions.push_back({{"id", item.id.str()},
                         {"resolution", to_string(item.resolution)},
                         {"reason", item.reason},
                         {"decided", stamp_json(item.decided)},
                         {"approvers", std::move(approvers)},
                         {"controls", item.controls},
                         {"expires", item.expires ? json(format_rfc3339(*item.expires)) : json(nullptr)},
                         {"acceptance_standing", item.acceptance_standing},
                         {"expired", item.expired}});
  }
  json frameworks = json::array();
  for (const auto& f : d.frameworks) {
    json ids = json::object();
    for (const auto& [ref, n] : f.by_id) ids[ref] = n;
    frameworks.push_back({{"family", f.family}, {"records", f.records}, {"by_id", std::move(ids)}});
  }
  json unreadable = json::array();
  for (const auto& u : d.unreadable) unreadable.push_back({{"path", u.path}, {"reason", u.reason}});
  json timing = json::array();
  for (const auto& row : d.rows) timing.push_back(timing_json(row));
  return {{"schema_version", codec::kJsonSchemaVersion},
          {"at", format_rfc3339(d.at)},
          {"unreadable", std::move(unreadable)},
          {"totals",
           {{"total", d.total},
            {"open", d.open},
            {"closed", d.closed},
            {"overdue", d.overdue},
            {"acceptances_in_force", d.acceptances_in_force},
            {"acceptances_expired", d.acceptances_expired}}},
          {"by_state", std::move(by_state)},
          {"by_severity", std::move(by_severity)},
          {"by_owner", std::move(by_owner)},
          {"aging", std::move(aging)},
          {"open_age", stats_json(d.open_age)},
          {"time_to_decision", stats_json(d.time_to_decision)},
          {"time_to_close", stats_json(d.time_to_close)},
          {"accepted", std::move(accepted)},
          {"decisions", std::move(decisions)},
          {"recurrence", std::move(recurrence)},
          {"frameworks", std::move(frameworks)},
          {"timing", std::move(timing)},
          {"exceptions", json::array()}};
}

// Appends `value` as it appears at nesting `depth` of a document dumped whole with an indent of
// 2: dumped alone, each line after the first indented by 2 × depth more. (Strings never hold a
// raw line break: dump escapes it.)
void append_nested(std::string& out, const json& value, int depth) {
  const std::string text = value.dump(2, ' ', false, json::error_handler_t::replace);
  const std::string pad(static_cast<std::size_t>(2 * depth), ' ');
  std::size_t from = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    out.append(text, from, nl + 1 - from);
    out += pad;
    from = nl + 1;
  }
  out.append(text, from);
}

// Calls `each` with the record object of every row of `d`, in the rows' order, parsed from the
// texts `records` gives (the texts of records no row names are skipped: a filtered report).
void for_each_row_record(const ReportData& d, const RecordJsonSource& records, const std::function<void(const json&)>& each) {
  std::size_t next = 0;
  if (!d.rows.empty() && records) {
    records([&](std::string_view text) {
      if (next == d.rows.size()) return;
      json record = json::parse(text);
      if (record.value("id", std::string()) != d.rows[next].id.str()) return;
      each(record);
      ++next;
    });
  }
  if (next != d.rows.size())
    throw Error(ExitCode::internal, "report: no record text for " + d.rows[next].id.str() + " in the records read",
                "run the report again; if it persists, delete the git directory's docket/index folder");
}

// The JSON report, byte for byte what report_json(d, records).dump(2) gives, written member by
// member and record by record: no document of every record is built (a report of 100,000
// exceptions is tens of MB).
std::string render_json(const ReportData& d, const RecordJsonSource& records) {
  const json head = report_json_head(d);
  std::string out = "{\n";
  bool first = true;
  for (const auto& [key, value] : head.items()) {  // nlohmann's object order: keys sorted
    out += first ? "  " : ",\n  ";
    first = false;
    out += json(key).dump();
    out += ": ";
    if (key != "exceptions") {
      append_nested(out, value, 1);
    } else if (d.rows.empty()) {
      out += "[]";
    } else {
      out += "[\n";
      bool first_row = true;
      for_each_row_record(d, records, [&](const json& record) {
        out += first_row ? "    " : ",\n    ";
        first_row = false;
        append_nested(out, record, 2);
      });
      out += "\n  ]";
    }
  }
  out += "\n}\n";
  return out;
}

}  // namespace

nlohmann::json report_json(const ReportData& d, const RecordJsonSource& records) {
  json out = report_json_head(d);
  for_each_row_record(d, records, [&](const json& record) { out["exceptions"].push_back(record); });
  return out;
}

RecordJsonSource record_json_source(const std::vector<Record>& records) {
  return [&records](const std::function<void(std::string_view)>& sink) {
    for (const auto& r : records) sink(codec::to_json(r).dump(-1, ' ', false, json::error_handler_t::replace));
  };
}

std::string render_report(const ReportData& data, ReportFormat format, const RecordJsonSource& records) {
  switch (format) {
    case ReportFormat::markdown: return render_markdown(data);
    // Invalid UTF-8 in a record is replaced rather than aborting the whole report.
    case ReportFormat::json: return render_json(data, records);
    case ReportFormat::csv: return render_csv(data);
    case ReportFormat::html: return render_html(data);
  }
  return {};
}

std::string csv_field(std::string_view text) {
  std::string cell;
  cell.reserve(text.size());
  // Control characters (terminal escape sequences in a hostile title) have no place in a cell;
  // tabs and line breaks are kept, quoted below.
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f) cell += "\xEF\xBF\xBD";
    else cell += c;
  }
  // Spreadsheets run a cell starting with one of these as a formula (CSV injection).
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) cell.insert(0, "'");
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += ' ';
    } else {
      if (std::string_view("\\`*_[]<>|#~!&").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}


}  // namespace docket::app
