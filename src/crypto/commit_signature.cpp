#include "docket/crypto/commit_signature.hpp"

#include <charconv>

#include "docket/core/error.hpp"
#include "docket/crypto/sshsig.hpp"

namespace docket::crypto {

namespace {

constexpr std::string_view commit_namespace = "git";
constexpr std::string_view corrupt_commit_hint =
    "the object is damaged or is not a commit; inspect it with: git cat-file commit <id>";

// git writes the signature of the repository's own hash in `gpgsig` and, in a SHA-256
// repository, the other one in `gpgsig-sha256`; both are left out of the signed bytes.
bool is_signature_header(std::string_view key) { return key == "gpgsig" || key == "gpgsig-sha256"; }

[[noreturn]] void fail(const std::string& problem) {
  throw Error(ExitCode::store, "commit object: " + problem, std::string(corrupt_commit_hint));
}

// `Name <email> 1700000000 +0000`: the e-mail between the first `<` and the next `>` (as git's
// split_ident_line), then seconds since the epoch and the author's UTC offset.
void parse_committer(std::string_view value, SplitCommit& commit) {
  const std::string quoted = "the committer header \"" + std::string(value) + "\" is malformed";
  const std::size_t open = value.find('<');
  const std::size_t close = open == std::string_view::npos ? open : value.find('>', open);
  if (close == std::string_view::npos) fail(quoted);
  commit.committer_email = std::string(value.substr(open + 1, close - open - 1));

  std::string_view rest = value.substr(close + 1);
  if (!rest.starts_with(' ')) fail(quoted);
  rest.remove_prefix(1);
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
  if (error != std::errc() || end == rest.data() || seconds < 0) fail(quoted);
  rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
  const bool offset_ok = rest.size() == 6 && rest[0] == ' ' && (rest[1] == '+' || rest[1] == '-') &&
                         rest.substr(2).find_first_not_of("0123456789") == std::string_view::npos;
  if (!offset_ok) fail(quoted);
  commit.committer_time = Timestamp{seconds};
}

}  // namespace

SplitCommit split_signed_commit(std::string_view raw_commit) {
  SplitCommit commit;
  commit.payload.reserve(raw_commit.size());
  bool in_signature = false;
  bool saw_header = false;
  bool saw_signature = false;
  bool saw_committer = false;
  std::size_t position = 0;
  while (position < raw_commit.size()) {
    const std::size_t newline = raw_commit.find('\n', position);
    const std::size_t next = newline == std::string_view::npos ? raw_commit.size() : newline + 1;
    const std::string_view line = raw_commit.substr(position, next - position);
    const std::string_view content = line.substr(0, newline == std::string_view::npos ? line.size() : line.size() - 1);
    position = next;

    if (content.empty()) {
      // The blank line ends the header; the message is copied untouched, so a `gpgsig` block
      // pasted into a message stays part of the signed payload and never counts as a signature.
      commit.payload.append(line);
      commit.payload.append(raw_commit.substr(position));
      break;
    }
    if (content.front() == ' ') {
      if (!saw_header) fail("the header starts with a continuation line");
      if (in_signature) {
        commit.signature.append(content.substr(1)).push_back('\n');
      } else {
        commit.payload.append(line);  // continuation of another header, e.g. mergetag
      }
      continue;
    }

    saw_header = true;
    in_signature = false;
    const std::size_t space = content.find(' ');
    if (space == 0 || space == std::string_view::npos)
      fail("header line \"" + std::string(content) + "\" is not `name value`");
    const std::string_view key = content.substr(0, space);
    const std::string_view value = content.substr(space + 1);
    if (is_signature_header(key)) {
      if (saw_signature) fail("it carries two signature headers");
      saw_signature = true;
      in_signature = true;
      // git stores the armored signature one line per header line and hands it back with every
      // line newline-terminated; rebuild exactly that text.
      commit.signature.append(value).push_back('\n');
      continue;
    }
    if (key == "committer") {
      if (saw_committer) fail("it has two committer headers");
      saw_committer = true;
      parse_committer(value, commit);
    }
    commit.payload.append(line);
  }
  if (!saw_committer) fail("it has no committer header");
  return commit;
}

std::string_view to_string(SignatureStatus status) {
  switch (status) {
    case SignatureStatus::good: return "good";
    case SignatureStatus::unsigned_commit: return "unsigned";
    case SignatureStatus::malformed: return "malformed";
    case SignatureStatus::bad: return "bad";
    case SignatureStatus::unknown_key: return "unknown-key";
  }
  return "unknown";
}

SignatureCheck check_commit_signature(std::string_view raw_commit, const AllowedSigners& signers) {
  SignatureCheck check;
  SplitCommit commit;
  try {
    commit = split_signed_commit(raw_commit);
  } catch (const Error&) {
    // A header that cannot be read is a verdict about this commit, not a reason to stop a
    // `verify` walk over the history; split_signed_commit itself reports the details.
    check.status = SignatureStatus::malformed;
    return check;
  }
  check.principal = commit.committer_email;
  if (commit.signature.empty()) {
    check.status = SignatureStatus::unsigned_commit;
    return check;
  }
  std::optional<SshSignature> signature = sshsig_parse(commit.signature);
  if (!signature) {
    check.status = SignatureStatus::malformed;
    return check;
  }
  check.key = signature->key;
  // Only Ed25519 verifies in-process. Another key type is not evidence of tampering, so it is
  // reported as unreadable (malformed) rather than as a failed verification (bad).
  if (signature->key.ed25519_raw().empty()) {
    check.status = SignatureStatus::malformed;
    return check;
  }
  if (!sshsig_verify(*signature, commit.payload, commit_namespace)) {
    check.status = SignatureStatus::bad;
    return check;
  }
  check.status = signers.allows(check.principal, signature->key, commit_namespace, commit.committer_time)
                     ? SignatureStatus::good
                     : SignatureStatus::unknown_key;
  return check;
}

}  // namespace docket::crypto
