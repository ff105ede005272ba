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
void render_json(std::ostream& out, const Record& r);

}  // namespace docket::cli
