#pragma once
// Splitting a raw git commit object into the bytes that were signed and its `gpgsig` header,
// and checking that signature against an allowed_signers file.
//
// The signature is taken from the header lines only — never from the message — because a
// `gpgsig` line in a message would otherwise let a forged commit carry someone else's
// signature (libgit2's git_commit_extract_signature scans the message too).

#include <optional>
#include <string>
#include <string_view>

#include "docket/core/types.hpp"
#include "docket/crypto/allowed_signers.hpp"
#include "docket/crypto/ssh_key.hpp"

namespace docket::crypto {

struct SplitCommit {
  std::string payload;    // the commit object without its gpgsig header: what was signed
  std::string signature;  // the gpgsig value with continuation spaces removed, every line ending in
                          // a newline (as `git cat-file` shows it armored); empty if unsigned
  std::string committer_email;
  Timestamp committer_time;
};

// Parses the raw commit object (as `git cat-file commit` prints it). The signature is read from
// the `gpgsig` header only: the header git uses for a SHA-1 repository, the only object format
// docket's stores have. Throws docket::Error (ExitCode::store) when the header is malformed,
// carries two signatures, carries a `gpgsig-sha256` header (which git would leave out of the
// signed bytes and ignore, so it could be added to any signed commit), or has a header after
// the signature (git and libgit2 write the signature as the last header).
SplitCommit split_signed_commit(std::string_view raw_commit);

enum class SignatureStatus {
  good,            // valid, key allowed for the committer e-mail
  unsigned_commit, // no gpgsig header
  malformed,       // not an SSH signature or not parseable
  bad,             // signature does not verify
  unknown_key,     // valid signature, but the key is not in allowed_signers for that principal
};
std::string_view to_string(SignatureStatus);

struct SignatureCheck {
  SignatureStatus status = SignatureStatus::unsigned_commit;
  std::optional<SshPublicKey> key;  // the key that signed, when the signature parsed
  std::string principal;            // the committer e-mail that was checked
  std::string problem;              // for `malformed` (and `bad` where known): what is wrong, in one line
};

// Verifies in namespace `git` over the payload, then asks `signers` whether the committer e-mail
// may use that key at the committer time (as git passes -Overify-time). Never throws for a bad
// commit: a header split_signed_commit refuses, a signature not in the canonical armor
// (`sshsig_armor` of itself: one signature, one commit id), or a non-Ed25519 signature is
// `malformed`.
SignatureCheck check_commit_signature(std::string_view raw_commit, const AllowedSigners& signers);

}  // namespace docket::crypto
