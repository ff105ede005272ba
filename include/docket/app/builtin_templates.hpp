#pragma once
#include <string>
#include <utility>
#include <vector>

namespace docket::app {
// (name, YAML text) of every template in templates/, embedded at build time, sorted by name.
const std::vector<std::pair<std::string, std::string>>& builtin_templates();
}  // namespace docket::app
