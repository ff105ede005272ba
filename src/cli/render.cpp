#include "render.hpp"

#include <algorithm>

#include "docket/codec/json.hpp"
#include "docket/core/display.hpp"
#include "docket/core/time.hpp"

namespace docket::cli {
namespace {

// Record text on one line of the screen (core/display.hpp): it can never start a line of its own.
std::string shown(std::string_view text) { return core::display_line(text); }
// Multi-line record text (comments, notes, reasons): its lines stay lines, indented under
// `indent` so none can pass for a history entry.
std::string shown_block(std::string_view text, std::string_view indent) { return core::display_block(text, indent); }

std::string stamp_text(const Stamp& s) { return format_rfc3339(s.at) + " by " + s.by.str(); }

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

// Appends `text` cut or padded to `width` display columns (UTF-8 continuation bytes do not count;
// a cut ends in '~') to `out`.
void append_fit(std::string& out, std::string_view text, std::size_t width) {
  std::size_t columns = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (columns == width) break;
    ++columns;
  }
  const std::size_t start = out.size();
  out.append(text.substr(0, i));
  if (i < text.size() && out.size() > start) out.back() = '~';
  out.append(width > columns ? width - columns : 0, ' ');
}

}  // namespace

void render_record(std::ostream& out, const Record& r) {
  out << r.id.str() << "  " << shown(r.title) << "\n";
  out << "  state:     " << to_string(r.state);
  if (r.outcome) {
    out << " (" << to_string(r.outcome->resolution);
    if (r.outcome->expires) out << " until " << format_rfc3339(*r.outcome->expires);
    out << ")";
  }
  out << "\n  severity:  " << to_string(r.severity) << "\n";
  if (!r.template_name.empty()) out << "  template:  " << shown(r.template_name) << "\n";
  if (!r.identity.empty()) {
    out << "  identity:  " << shown(r.identity.kind) << (r.identity.kind.empty() ? "" : ":") << shown(r.identity.name);
    if (!r.identity.system.empty()) out << " on " << shown(r.identity.system);
    out << "\n";
  }
  out << "  owners:    " << emails(r.owners) << "\n";
  if (r.assignee) out << "  assignee:  " << r.assignee->str() << "\n";
  out << "  opened:    " << stamp_text(r.opened) << "\n";
  if (r.due) out << "  due:       " << format_rfc3339(*r.due) << "\n";
  if (!r.source.empty()) {
    if (!r.source.tool.empty() || !r.source.rule.empty() || !r.source.location.empty()) {
      out << "  source:    " << shown(r.source.tool) << (r.source.rule.empty() ? "" : " / " + shown(r.source.rule));
      if (!r.source.location.empty()) out << " at " << shown(r.source.location);
      out << "\n";
    }
    if (!r.source.fingerprint.empty()) out << "  fingerprint: " << shown(r.source.fingerprint) << "\n";
    if (r.source.missing_since)
      out << "  not seen since: " << format_rfc3339(*r.source.missing_since) << " (the scanner no longer reports it)\n";
  }
  if (!r.frameworks.empty()) out << "  frameworks: " << shown(join(r.frameworks)) << "\n";
  if (!r.recurrence_of.empty()) {
    std::vector<std::string> ids;
    for (const auto& id : r.recurrence_of) ids.push_back(id.str());
    out << "  recurrence of: " << join(ids) << "\n";
  }
  if (!r.checklist.empty()) {
    out << "\nchecklist:\n";
    for (const auto& item : r.checklist) {
      out << "  [" << (item.done ? "x" : " ") << "] " << shown(item.id) << " — " << shown(item.text)
          << (item.evidence_required ? " (evidence required)" : "") << "\n";
      if (item.done) {
        out << "      done " << stamp_text(item.done->stamp);
        if (!item.done->evidence.empty()) out << ", " << item.done->evidence.size() << " evidence";
        if (!item.done->note.empty()) out << ": " << shown_block(item.done->note, "        ");
        out << "\n";
      }
    }
  }
  if (!r.evidence.empty()) {
    out << "\nevidence:\n";
    for (const auto& e : r.evidence) {
      out << "  " << e.digest.str().substr(0, 19) << "…  " << shown(e.name) << " (" << e.size << " bytes) added "
          << stamp_text(e.added) << (e.note.empty() ? "" : ": " + shown_block(e.note, "    ")) << "\n";
    }
  }
  if (!r.requests.empty()) {
    out << "\nrequests:\n";
    for (const auto& q : r.requests) {
      out << "  round " << q.round << ": " << to_string(q.resolution) << " requested " << stamp_text(q.requested);
      if (q.expires) out << ", until " << format_rfc3339(*q.expires);
      out << "\n      reason: " << shown_block(q.reason, "        ") << "\n";
      for (const auto& c : q.controls) out << "      control: " << shown(c) << "\n";
      for (const auto& a : r.approvals)
        if (a.round == q.round)
          out << "      " << (a.decision == Decision::approve ? "approved" : "denied") << " " << stamp_text(a.stamp)
              << (a.note.empty() ? "" : ": " + shown_block(a.note, "        ")) << "\n";
    }
  }
  if (r.outcome) {
    out << "\noutcome: " << to_string(r.outcome->resolution) << ", decided " << stamp_text(r.outcome->decided);
    if (!r.outcome->reason.empty()) out << "\n  reason: " << shown_block(r.outcome->reason, "    ");
    out << "\n";
  }
  if (r.review.due || r.review.done) {
    out << "\npost-closure review: ";
    if (r.review.done) out << "recorded " << stamp_text(*r.review.done) << ": " << shown_block(r.review.note, "  ") << "\n";
    else out << "due " << format_rfc3339(*r.review.due) << "\n";
  }
  if (!r.events.empty() || !r.comments.empty()) {
    out << "\nhistory:\n";
    // Events and comments interleaved by time: the story in the order it happened.
    struct Line {
      Timestamp at;
      std::string text;
    };
    std::vector<Line> lines;
    for (const auto& e : r.events)
      lines.push_back({e.stamp.at, format_rfc3339(e.stamp.at) + "  " + e.stamp.by.str() + "  " + shown(e.action) +
                                       (e.detail.empty() ? "" : ": " + shown_block(e.detail, "      "))});
    // A comment's own lines are indented deeper than any history entry starts.
    for (const auto& c : r.comments)
      lines.push_back({c.stamp.at, format_rfc3339(c.stamp.at) + "  " + c.stamp.by.str() + "  comment: " +
                                       shown_block(c.text, "      ")});
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.at < b.at; });
    for (const auto& l : lines) out << "  " << l.text << "\n";
  }
}

std::string list_header(std::size_t id_width) {
  std::string out;
  append_fit(out, "ID", std::max<std::size_t>(id_width, 2));
  out += "  ";
  append_fit(out, "STATE", 16);
  out += "  ";
  append_fit(out, "SEVERITY", 8);
  out += "  ";
  append_fit(out, "DUE", 20);
  out += "  ";
  append_fit(out, "ASSIGNEE", 24);
  out += "  TITLE\n";
  return out;
}

void append_list_line(std::string& out, const app::ListedException& r, std::size_t id_width) {
  append_fit(out, r.id, std::max<std::size_t>(id_width, 2));
  out += "  ";
  append_fit(out, to_string(r.state), 16);
  out += "  ";
  append_fit(out, to_string(r.severity), 8);
  out += "  ";
  // Many lines share a due time (an ingest opens hundreds at once): format each time once.
  thread_local std::optional<Timestamp> last_due;
  thread_local std::string last_text;
  if (r.due && r.due != last_due) {
    last_due = r.due;
    last_text = format_rfc3339(*r.due);
  }
  append_fit(out, r.due ? std::string_view(last_text) : "-", 20);
  out += "  ";
  append_fit(out, r.assignee.empty() ? "-" : r.assignee, 24);
  out += "  ";
  core::append_display_line(out, r.title);
  out += '\n';
}

std::string list_json_head() {
  return "{\"schema_version\":" + std::to_string(codec::kJsonSchemaVersion) + ",\"exceptions\":";
}

void render_json(std::ostream& out, const Record& r) { out << codec::json_document("exception", codec::to_json(r)).dump(2) << "\n"; }

}  // namespace docket::cli
