#pragma once
// The trust root: the first commit of the ref, recorded in the local git config at init (or at
// the first verify/sync of a store made elsewhere), so a rewritten history is noticed.

#include <optional>
#include <string>

#include "docket/core/types.hpp"
#include "docket/store/store.hpp"

namespace docket::app {

// git config key holding the root commit of `ref`: docket.<ref>.root
std::string trust_root_key(const std::string& ref);
void record_trust_root(store::Repository& repo, const std::string& ref, const store::ObjectId& root);
std::optional<store::ObjectId> recorded_trust_root(const store::Repository& repo, const std::string& ref);

// git config key holding the last tip of `ref` that this repository verified:
// docket.<ref>.verifiedtip. Every command that reads the store checks that the ref still
// descends from it (no rollback) and verifies only the commits after it (docs/verify.md).
std::string verified_tip_key(const std::string& ref);
std::optional<store::ObjectId> recorded_verified_tip(const store::Repository& repo, const std::string& ref);
// Records `tip` as verified. Best effort: another docket process holding the config lock
// makes this a no-op (the next command verifies the same commits again). Returns whether it
// was written.
bool record_verified_tip(store::Repository& repo, const std::string& ref, const store::ObjectId& tip) noexcept;

// The first lines of every allowed_signers file docket writes.
std::string allowed_signers_header();

Timestamp current_time();

}  // namespace docket::app
