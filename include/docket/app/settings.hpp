#pragma once
// What the edge (the CLI) gathered from flags and the environment, passed down as one value.
// Nothing below the CLI reads argv or environment variables.

#include <filesystem>
#include <optional>
#include <string>

#include "docket/core/types.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/store/store.hpp"

namespace docket::app {

struct Settings {
  std::filesystem::path cwd;                  // where the command was started
  std::optional<std::filesystem::path> repo;  // -C DIR, else DOCKET_REPO
  std::optional<std::string> ref;             // --ref, else DOCKET_REF (else git config docket.ref)
  std::optional<std::string> key;             // --key, else DOCKET_SIGNING_KEY (else user.signingkey)
  std::optional<std::string> actor_email;     // DOCKET_ACTOR_EMAIL (else user.email)
  std::optional<std::string> actor_name;      // DOCKET_ACTOR_NAME (else user.name)
  std::optional<Timestamp> now;               // DOCKET_NOW, for replaying and tests; else the clock
  std::optional<std::filesystem::path> home;  // HOME, to expand `~/` in key paths as git does
  crypto::SigningEnvironment signing;         // PATH, SSH_AUTH_SOCK, SSH_ASKPASS_REQUIRE for ssh-keygen
  store::ConfigSources git_config;            // GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM
  bool use_index = true;                      // DOCKET_INDEX=off reads every record, bypassing the local index
};

inline constexpr const char* kDefaultRef = "refs/heads/docket";

}  // namespace docket::app
