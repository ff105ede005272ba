#pragma once
// How records and lists look in a terminal, and the `--json` forms.

#include <ostream>
#include <string>
#include <vector>

#include "docket/core/record.hpp"
#include "docket/app/exceptions.hpp"
#include "screen.hpp"

namespace docket::cli {

// The colours of states and severities on a terminal (docs/design.md, "Reading at a terminal").
Style state_style(State s);
Style severity_style(Severity s);

// `docket show`'s text for `r` as seen at `now` (an acceptance over at `now` is marked EXPIRED,
// a due time passed marked overdue), times and colour as `screen` says. Record text is escaped
// (core/display) as it is written.
void render_record(std::ostream& out, const Record& r, const Screen& screen, Timestamp now);

// The columns of `docket list`'s table, in display columns. Not on a terminal (screen.width 0):
// every column, the title whole (title 0). On a terminal: the title shortened with `…` to fit
// the width; the assignee column (assignee 0) left out when it would leave the title less than
// 20 columns.
struct ListLayout {
  std::size_t id = 2, state = 16, severity = 8, due = 16, assignee = 24, title = 0;
};
ListLayout list_layout(std::size_t id_width, const Screen& screen);
// The header line of `docket list`'s table.
std::string list_header(const ListLayout& layout);
// Appends the line of `docket list`'s table for `r` judged at `now` to `out`: its due time, or
// an accepted exception's expiry; red when passed.
void append_list_line(std::string& out, const app::ListedException& r, const ListLayout& layout, const Screen& screen,
                      Timestamp now);
// The text `list --json` starts with, `{"schema_version":1,"exceptions":`: the array of record
// objects follows, then `}` (docs/schema/list.schema.json).
std::string list_json_head();
// `{"schema_version": 1, "exception": <record>}` (docs/schema/exception.schema.json): what
// show, open, edit and every lifecycle command print with --json.
void render_json(std::ostream& out, const Record& r);

}  // namespace docket::cli
