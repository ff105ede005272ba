#pragma once
// `docket policy`, `docket team` and `docket template`: the store's settings changed by an
// admin, one signed commit each, with the replay line `verify` re-applies
// (core/administration.hpp; docs/verify.md, "Administration").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "docket/app/session.hpp"
#include "docket/core/administration.hpp"
#include "docket/core/summary.hpp"

namespace docket::app {

// A template file for `docket template add|update`: a regular file of at most
// codec::max_yaml_bytes, read as `docket init` reads the built-in templates
// (codec::template_from_yaml). Throws Error(not_found) when it is missing or unreadable,
// Error(usage) naming the file (and line and field) when it is not one or is malformed.
Template read_template_file(const std::filesystem::path& file);

// The settings (policy and templates) of `config`.
core::StoreSettings store_settings(const StoreConfig& config);

// The ids of the exceptions in `summaries` that are not closed and were opened from template
// `name`, in the order given: what keeps `docket template remove` from removing it.
std::vector<ExceptionId> exceptions_using_template(const std::vector<core::RecordSummary>& summaries, const std::string& name);

// The files a commit of `a` writes, given the settings `after` it: docket.yaml (canonical,
// codec::policy_to_yaml) for policy-set and team-*, templates/<name>.yaml (canonical,
// codec::template_to_yaml) for template-add and template-update, its removal for
// template-remove. `verify` requires a commit's changes to be exactly these.
std::vector<store::Change> administration_changes(const core::StoreSettings& after, const core::Administration& a);

struct AdministrationOutcome {
  core::StoreSettings before;
  core::StoreSettings after;
  std::optional<store::ObjectId> commit;  // nullopt: the store already had that setting, nothing was written
};
// Runs `a` as one signed commit by the session's actor on the verified tip (Session::commit,
// retried on a lost race). Throws what core::administer throws (rule changes-nothing excepted:
// then nothing is written and `commit` is nullopt), Error(key) when the actor's key is not the
// one allowed_signers lists for them, and what Session::commit throws. The ref does not move
// on any error.
AdministrationOutcome administer(Session& session, const core::Administration& a);

}  // namespace docket::app
