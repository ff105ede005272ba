#pragma once
// Private to the app layer: the pieces of opening and writing exceptions that `open` and
// `ingest` share (exceptions.cpp), so both write records and replay lines the same way.

#include <optional>
#include <set>
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
// Fresh exception ids for one transaction: never one `snap` holds (checked by path, one look-up
// each) nor one this transaction already gave out.
class IdAllocator {
public:
  IdAllocator(const store::Snapshot& snap, std::string prefix) : snap_(snap), prefix_(std::move(prefix)) {}
  ExceptionId next();

private:
  const store::Snapshot& snap_;
  std::string prefix_;
  std::set<ExceptionId> given_;
};

// Builds a new exception for `request` as `ctx.actor` with the id `ids` gives, linking the
// earlier records `earlier` finds (recurrence_of).
PreparedOpen prepare_open(const StoreConfig& config, const core::RecurrenceLookup& earlier, IdAllocator& ids,
                          const OpenRequest& request, const core::Context& ctx);

}  // namespace docket::app
