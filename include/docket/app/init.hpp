#pragma once
// `docket init`: create the repository if needed, then the ref's first (root) commit holding
// docket.yaml, allowed_signers and the built-in templates, signed by the initializing actor.

#include <string>

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
};

InitResult init_store(const Settings& settings, const InitOptions& options);

}  // namespace docket::app
