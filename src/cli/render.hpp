#pragma once
// How records and lists look in a terminal, and the `--json` forms.

#include <ostream>
#include <vector>

#include "docket/core/record.hpp"

namespace docket::cli {

void render_record(std::ostream& out, const Record& r);
void render_table(std::ostream& out, const std::vector<Record>& records);
void render_json(std::ostream& out, const Record& r);
void render_json(std::ostream& out, const std::vector<Record>& records);

}  // namespace docket::cli
