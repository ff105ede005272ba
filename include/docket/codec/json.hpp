#pragma once
// JSON output for `--json` (stable schema, documented in docs/json.md). Field names match the
// YAML record; timestamps are RFC 3339 strings; absent optionals are null.

#include <nlohmann/json.hpp>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/template.hpp"

namespace docket::codec {

nlohmann::json to_json(const Record& r);
nlohmann::json to_json(const Policy& p);
nlohmann::json to_json(const Template& t);

}  // namespace docket::codec
