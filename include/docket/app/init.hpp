#pragma once
// `docket init`: create the repository if needed, then the ref's first (root) commit holding
// docket.yaml, allowed_signers and the built-in templates, signed by the initializing actor.
// HEAD is never pointed at the store's ref (a new repository's HEAD stays on its unborn default
// branch), and in a repository with a work tree the ref guard is installed (app/ref_guard.hpp).

#include <optional>
#include <string>

#include "docket/app/ref_guard.hpp"
#include "docket/app/settings.hpp"
#include "docket/store/store.hpp"

namespace docket::app {

struct InitOptions {
  std::string id_prefix = "EX";
};

struct InitResult {
  std::filesystem::path git_dir;
  std::string ref;
  store::ObjectId root;
  bool created_repository = false;
  Email admin;
  // Set when HEAD named the store's (then unborn) ref, as after `git init -b docket`: the
  // branch HEAD was pointed at instead (unborn), so the work tree never holds the store.
  std::optional<std::string> head_moved_to;
  RefGuard guard;  // the reference-transaction hook guarding the ref in a work tree
};

InitResult init_store(const Settings& settings, const InitOptions& options);

}  // namespace docket::app
