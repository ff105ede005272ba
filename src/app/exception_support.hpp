#pragma once
// Private to the app layer: the pieces of opening and writing exceptions that `open` and
// `ingest` share (exceptions.cpp), so both write records and replay lines the same way.

#include <optional>
#include <string>
#include <vector>

#include "docket/app/exceptions.hpp"

namespace docket::app {

// Serializes a record for the store. Throws Error(refused) when the text looks like it holds a
// live secret: nothing is written then.
store::Change record_change(const Record& r);

// The named template, or "generic" when `name` is empty and the store has it (else null).
// Error(not_found) with a suggestion when the store has no such template.
const Template* find_template(const StoreConfig& config, const std::optional<std::string>& name);

struct PreparedOpen {
  Record record;
  std::string replay;  // the `Docket-Replay:` JSON that lets `verify` recreate `record`
};
// Builds a new exception for `request` as `ctx.actor`: a fresh id not in `taken` (and added
// to it, so one transaction can open several), recurrences found in `records`.
PreparedOpen prepare_open(const StoreConfig& config, const std::vector<Record>& records, std::vector<ExceptionId>& taken,
                          const OpenRequest& request, const core::Context& ctx);

}  // namespace docket::app
