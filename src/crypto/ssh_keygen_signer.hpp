#pragma once
// Signing through `ssh-keygen -Y sign`, as git does, for keys docket cannot use in-process:
// encrypted key files (ssh-keygen asks for the passphrase), security keys (the authenticator
// signs) and keys held by ssh-agent.
//
// Every run of a helper: no shell; stdin is never docket's own (a memfd holding the message, or
// /dev/null); a time limit (helper_time_limit_*); the helper dies with docket
// (PR_SET_PDEATHSIG); SIGINT, SIGTERM and SIGHUP stop it and unwind docket normally; without a
// terminal it leads its own process group, which is killed when it ends or is stopped.
// The message goes to ssh-keygen on stdin and the signature comes back on stdout, so no file is
// written: at a terminal ssh-keygen asks for a passphrase or PIN on /dev/tty; without one, a key
// that would need a passphrase is signed by ssh-agent only (`-U`, the public key on a memfd as
// /dev/fd/3), and fails at once with no agent. Only a security key without a terminal gets its
// message in a private temporary folder (its PIN would otherwise be read from stdin); a folder
// left by a docket killed with SIGKILL is removed by the next such run.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "docket/crypto/signer.hpp"

namespace docket::crypto::detail {

// What the file given to `ssh-keygen -f` holds; it decides how ssh-keygen is run and what a
// failure's hint suggests.
enum class KeyFileHolds {
  encrypted_private_key,  // ssh-keygen asks for the passphrase (or finds the key in ssh-agent)
  security_key,           // an sk-* key handle: the authenticator signs (touch, maybe a PIN)
  public_key,             // the private half is in ssh-agent, or beside it without `.pub`
};

// Time limits: a person at a terminal may type a passphrase or find their security key; a job
// without one gets an answer from ssh-agent or an authenticator in seconds, or never.
inline constexpr std::chrono::seconds helper_time_limit_terminal{300};
inline constexpr std::chrono::seconds helper_time_limit_batch{60};
inline constexpr std::chrono::seconds key_command_time_limit{10};

// `ssh-keygen -Y sign -n NS -f KEY_FILE` (message on stdin) at a terminal or with an askpass
// program the user asked for (SSH_ASKPASS_REQUIRE=force|prefer), `… -U -f /dev/fd/3` (agent
// only) otherwise; a security key without a terminal: `… -f KEY_FILE MESSAGE_FILE`.
std::unique_ptr<Signer> make_ssh_keygen_signer(std::filesystem::path key_file, KeyFileHolds holds, SshPublicKey key,
                                               SigningEnvironment environment);

// `ssh-keygen -Y sign -n NS -U -f /dev/fd/3`: only ssh-agent may sign (git's
// `key::ssh-ed25519 AAAA…`).
std::unique_ptr<Signer> make_ssh_agent_signer(SshPublicKey key, SigningEnvironment environment);

// Runs git's gpg.ssh.defaultKeyCommand as git does (split at blanks, no shell) and returns the
// first line of its output, which must be a public key (`key::…` or `ssh-…`). Throws
// docket::Error (ExitCode::key) naming the command when it cannot run, fails, exceeds
// key_command_time_limit or prints no key.
std::string run_default_key_command(const std::string& command, const SigningEnvironment& environment);

}  // namespace docket::crypto::detail
