#pragma once
// Producing git's SSH signatures (OpenSSH PROTOCOL.sshsig). In-process with OpenSSL for
// unencrypted OpenSSH and PEM keys of type Ed25519, RSA (rsa-sha2-512) and ECDSA P-256/384/521;
// `ssh-keygen -Y sign -n git` (run without a shell, see ssh_keygen_signer.hpp) for encrypted
// keys, security keys (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256) and keys held by ssh-agent, as
// git does.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "docket/crypto/ssh_key.hpp"

namespace docket::crypto {

// What the signing helpers need from docket's environment, gathered by the CLI (nothing below
// it reads environment variables). The helpers themselves inherit the whole environment, as
// git's do.
struct SigningEnvironment {
  std::string path;                             // PATH, to find ssh-keygen and the key command
  bool agent = false;                           // SSH_AUTH_SOCK is set: an ssh-agent may sign
  std::optional<std::string> askpass_require;   // SSH_ASKPASS_REQUIRE, when set
};

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
// `key::TYPE AAAA…` / `ssh-… AAAA…` whose private half is in ssh-agent.
// The file's content, not its name, decides: unencrypted OpenSSH and PEM keys sign in-process
// (so does a `.pub` whose unencrypted private key lies beside it); encrypted OpenSSH keys,
// security keys and other public keys go through ssh-keygen. Without a terminal, a key that
// would need a passphrase signs through ssh-agent only, and fails at once without one.
// Throws docket::Error (ExitCode::key) naming the path when the key is missing, unreadable,
// malformed or of a type or size docket refuses (unusable_key_reason), or when a private key
// file is readable by other users.
std::unique_ptr<Signer> load_signer(const std::string& spec, const SigningEnvironment& environment);

// Reads the public half of a key file: `*.pub` (OpenSSH line), an OpenSSH private key (public
// part is stored unencrypted), or a PEM private or public key. Throws docket::Error
// (ExitCode::key). The key may still be one docket refuses: see unusable_key_reason.
SshPublicKey load_public_key(const std::filesystem::path& path);

// Runs git's gpg.ssh.defaultKeyCommand (split at blanks, no shell, no stdin, 10 s limit) and
// returns the key it prints first, as `key::…` or `ssh-…`, for load_signer. Throws
// docket::Error (ExitCode::key) naming the command when it fails or prints no key.
std::string default_signing_key(const std::string& command, const SigningEnvironment& environment);

}  // namespace docket::crypto
