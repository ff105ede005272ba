#include "docket/crypto/commit_signature.hpp"

#include <charconv>

#include "docket/core/error.hpp"
#include "docket/crypto/sshsig.hpp"

namespace docket::crypto {

namespace {

constexpr std::string_view commit_namespace = "git";
constexpr std::string_view not_canonical_armor =
    "the gpgsig header is not an SSH signature in canonical armor (the BEGIN line, base64 in lines of 70 "
    "characters, the END line, nothing after it)";
constexpr std::string_view corrupt_commit_hint =
    "the object is damaged or is not a commit; inspect it with: git cat-file commit <id>";

// git reads the signature from the header named for the repository's object format: `gpgsig`
// in a SHA-1 repository, which is the only kind docket's libgit2 opens. The other header,
// `gpgsig-sha256`, git leaves out of the signed bytes and otherwise ignores there, so a copy of
// it added to a signed commit would make a second commit id for the same signature.
constexpr std::string_view signature_header = "gpgsig";
constexpr std::string_view other_format_signature_header = "gpgsig-sha256";

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
    if (saw_signature && key == signature_header) fail("it carries two signature headers");
    if (saw_signature)
      fail("the gpgsig header is followed by the header \"" + std::string(key) +
           "\"; git and docket write the signature as the last header, so this commit was rebuilt by hand");
    if (key == other_format_signature_header)
      fail("it carries a gpgsig-sha256 header, which git ignores in a SHA-1 repository (the signature header there is "
           "gpgsig)");
    if (key == signature_header) {
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
  } catch (const Error& e) {
    // A header that cannot be read is a verdict about this commit, not a reason to stop a
    // `verify` walk over the history.
    check.status = SignatureStatus::malformed;
    check.problem = e.what();
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
    check.problem = std::string(not_canonical_armor);
    return check;
  }
  // Only the armor ssh-keygen and docket write: base64 wrapped at 70 columns, nothing after the
  // END line. Any other spelling of the same signature would give the commit another id.
  if (sshsig_armor(*signature) != commit.signature) {
    check.status = SignatureStatus::malformed;
    check.problem = std::string(not_canonical_armor);
    return check;
  }
  check.key = signature->key;
  // A key or signature docket refuses (an unknown type, a short RSA key, SHA-1 ssh-rsa) is not
  // evidence of tampering, so it is reported as unreadable (malformed) rather than as a failed
  // verification (bad).
  const SshsigCheck verified = sshsig_check(*signature, commit.payload, commit_namespace);
  if (verified.verdict == SshsigVerdict::unusable) {
    check.status = SignatureStatus::malformed;
    check.problem = verified.problem;
    return check;
  }
  if (verified.verdict == SshsigVerdict::invalid) {
    check.status = SignatureStatus::bad;
    check.problem = verified.problem;
    return check;
  }
  check.status = signers.allows(check.principal, signature->key, commit_namespace, commit.committer_time)
                     ? SignatureStatus::good
                     : SignatureStatus::unknown_key;
  return check;
}

}  // namespace docket::crypto
