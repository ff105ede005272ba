#pragma once
// Signing through `ssh-keygen -Y sign`, as git does, for keys docket cannot use in-process:
// encrypted key files (ssh-keygen asks for the passphrase) and keys held by ssh-agent.

#include <filesystem>
#include <memory>

#include "docket/crypto/signer.hpp"

namespace docket::crypto::detail {

// What the file given to `ssh-keygen -f` holds; it decides what a failure's hint suggests.
enum class KeyFileHolds {
  encrypted_private_key,  // ssh-keygen asks for the passphrase (or finds the key in ssh-agent)
  public_key,             // the private half is in ssh-agent, or beside it without `.pub`
};

// `ssh-keygen -Y sign -n NS -f KEY_FILE MESSAGE_FILE`.
std::unique_ptr<Signer> make_ssh_keygen_signer(std::filesystem::path key_file, KeyFileHolds holds, SshPublicKey key);

// `ssh-keygen -Y sign -n NS -f TEMP.pub -U`: `key` is written to a private temporary file kept
// for the signer's lifetime, and only ssh-agent may sign (git's `key::ssh-ed25519 AAAA…`).
std::unique_ptr<Signer> make_ssh_agent_signer(SshPublicKey key);

}  // namespace docket::crypto::detail
