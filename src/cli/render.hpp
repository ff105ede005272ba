#pragma once
// How records and lists look in a terminal, and the `--json` forms.

#include <ostream>
#include <vector>

#include "docket/core/record.hpp"
#include "docket/app/exceptions.hpp"

namespace docket::cli {

void render_record(std::ostream& out, const Record& r);
void render_table(std::ostream& out, const std::vector<app::ListedException>& records);
void render_json(std::ostream& out, const Record& r);

}  // namespace docket::cli
