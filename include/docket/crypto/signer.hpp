#pragma once
// Producing git's SSH signatures. An in-process Ed25519 signer for unencrypted OpenSSH and
// PKCS#8 PEM keys; `ssh-keygen -Y sign -n git` (run without a shell) for encrypted keys and
// keys held by an agent, exactly as git does.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "docket/crypto/ssh_key.hpp"

namespace docket::crypto {

class Signer {
public:
  virtual ~Signer() = default;
  virtual const SshPublicKey& public_key() const = 0;
  // Returns the armored SSHSIG (`-----BEGIN SSH SIGNATURE-----` … `-----END SSH SIGNATURE-----`
  // with a final newline) over `message` in namespace `ns`.
  virtual std::string sign(std::string_view message, std::string_view ns = "git") const = 0;
};

// `spec` is what git's user.signingkey holds: a path to a private key (or to its `.pub`, as git
// allows, in which case the private key beside it or the agent is used), or a literal public key
// `key::ssh-ed25519 AAAA…` / `ssh-ed25519 AAAA…` whose private half is in ssh-agent.
// The file's content, not its name, decides: unencrypted OpenSSH and PKCS#8 PEM keys sign
// in-process; encrypted OpenSSH keys and public keys go through ssh-keygen, which is given the
// message in a private temporary file (as git does) so a passphrase can still be typed on stdin.
// Throws docket::Error (ExitCode::key) naming the path when the key is missing, unreadable,
// malformed or not Ed25519/usable, or when a private key file is readable by other users.
std::unique_ptr<Signer> load_signer(const std::string& spec);

// Reads the public half of a key file: `*.pub` (OpenSSH line), an OpenSSH private key (public
// part is stored unencrypted), or a PKCS#8 PEM private key. Throws docket::Error (ExitCode::key).
SshPublicKey load_public_key(const std::filesystem::path& path);

}  // namespace docket::crypto
