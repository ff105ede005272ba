#pragma once
// JSON output for `--json` (stable schema, documented in docs/json.md; JSON Schemas in
// docs/schema/). Field names match the YAML record; timestamps are RFC 3339 strings; absent
// optionals are null. One function per concept: a record is always to_json(Record), whichever
// command prints it, and every other object names a record by its `id` only.

#include <nlohmann/json.hpp>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/template.hpp"

namespace docket::codec {

// The version of every JSON document docket prints (the top-level `schema_version` member, an
// integer). Bumped on an incompatible change: a member removed, renamed or given another type
// or meaning. Adding a member is compatible and does not bump it.
inline constexpr int kJsonSchemaVersion = 1;

// A new top-level document: an object holding `schema_version` only (the caller adds the
// command's named members).
nlohmann::json json_document();
// The document `{"schema_version": N, "<member>": value}`.
nlohmann::json json_document(const char* member, nlohmann::json value);

// The record object: every field of the record (docs/schema/defs.schema.json#/$defs/record).
nlohmann::json to_json(const Record& r);
nlohmann::json to_json(const Policy& p);
nlohmann::json to_json(const Template& t);

}  // namespace docket::codec
