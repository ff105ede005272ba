#pragma once
// How records and lists look in a terminal, and the `--json` forms.

#include <ostream>
#include <string>
#include <vector>

#include "docket/core/record.hpp"
#include "docket/app/exceptions.hpp"

namespace docket::cli {

void render_record(std::ostream& out, const Record& r);
// The header line of `docket list`'s table, its ID column `id_width` bytes wide (at least 2).
std::string list_header(std::size_t id_width);
// Appends the line of `docket list`'s table for `r` to `out` (columns as list_header lays them).
void append_list_line(std::string& out, const app::ListedException& r, std::size_t id_width);
// The text `list --json` starts with, `{"schema_version":1,"exceptions":`: the array of record
// objects follows, then `}` (docs/schema/list.schema.json).
std::string list_json_head();
// `{"schema_version": 1, "exception": <record>}` (docs/schema/exception.schema.json): what
// show, open, edit and every lifecycle command print with --json.
void render_json(std::ostream& out, const Record& r);

}  // namespace docket::cli
