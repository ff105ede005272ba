#include <doctest/doctest.h>

#include <string>

#include "crypto_test_support.hpp"
#include "docket/core/error.hpp"
#include "docket/crypto/commit_signature.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/crypto/sshsig.hpp"

using namespace docket::crypto;
using docket::test::load_signer;
using docket::test::read_file;
using docket::test::run_isolated;
using docket::test::TempDir;
using docket::test::write_file;

namespace {

constexpr std::string_view commit_date = "GIT_COMMITTER_DATE=1700000000 +0000";  // 2023-11-14T22:13:20Z

// A temporary repository whose commits stock git signs with alice's SSH key (gpg.format=ssh),
// isolated from the user's configuration and agent.
class SignedRepo {
public:
  SignedRepo() {
    alice_key_ = docket::test::make_ssh_key(home_, "alice");
    bob_key_ = docket::test::make_ssh_key(home_, "bob");
    REQUIRE(git({"init", "-q", repo_.string()}).status == 0);
    REQUIRE(git({"-C", repo_.string(), "config", "gpg.format", "ssh"}).status == 0);
    REQUIRE(git({"-C", repo_.string(), "config", "user.signingkey", alice_key_.string()}).status == 0);
    write_allowed_signers("alice@example.com " + docket::test::public_key_line(alice_key_) + "\n");
    REQUIRE(git({"-C", repo_.string(), "config", "gpg.ssh.allowedSignersFile", allowed_signers_path().string()})
                .status == 0);
  }

  docket::test::RunResult git(std::vector<std::string> args, const std::string& input = {}) const {
    args.insert(args.begin(), {std::string(commit_date), "git"});
    return run_isolated(home_, std::move(args), input);
  }

  // Commits a change to `file` with `message` (verbatim), signed by git unless `sign` is false;
  // returns the raw commit object.
  std::string commit(const std::string& message, bool sign = true) {
    write_file(repo_ / "record.yaml", "revision: " + std::to_string(++revision_) + "\n");
    write_file(home_ / "message.txt", message);
    REQUIRE(git({"-C", repo_.string(), "add", "record.yaml"}).status == 0);
    REQUIRE(git({"-C", repo_.string(), "commit", "-q", "--cleanup=verbatim", sign ? "-S" : "--no-gpg-sign", "-F",
                 (home_ / "message.txt").string()})
                .status == 0);
    return raw("HEAD");
  }

  std::string raw(const std::string& revision) const {
    return git({"-C", repo_.string(), "cat-file", "commit", revision}).out;
  }

  // Writes `raw_commit` into the object database and asks stock git whether its signature is good.
  bool git_verifies(const std::string& raw_commit) const {
    auto written = git({"-C", repo_.string(), "hash-object", "-t", "commit", "-w", "--stdin"}, raw_commit);
    REQUIRE(written.status == 0);
    written.out.pop_back();
    return git({"-C", repo_.string(), "verify-commit", written.out}).status == 0;
  }

  void write_allowed_signers(const std::string& text) { write_file(allowed_signers_path(), text); }
  std::filesystem::path allowed_signers_path() const { return home_ / "allowed_signers"; }
  AllowedSigners allowed_signers() const { return AllowedSigners::parse(read_file(allowed_signers_path())); }
  const std::filesystem::path& alice_key() const { return alice_key_; }
  const std::filesystem::path& bob_key() const { return bob_key_; }

private:
  TempDir home_;
  std::filesystem::path repo_ = home_ / "repo";
  std::filesystem::path alice_key_, bob_key_;
  int revision_ = 0;
};

// Puts `armored` into `unsigned_commit` as git does: a gpgsig header at the end of the header,
// continuation lines indented by one space, without the signature's final newline.
std::string with_gpgsig_header(const std::string& unsigned_commit, const std::string& armored) {
  std::string header = "gpgsig ";
  for (std::size_t i = 0; i + 1 < armored.size(); ++i) {
    header.push_back(armored[i]);
    if (armored[i] == '\n') header.push_back(' ');
  }
  header.push_back('\n');
  std::string result = unsigned_commit;
  result.insert(result.find("\n\n") + 1, header);
  return result;
}

}  // namespace

TEST_CASE("a commit signed by git commit -S is good for the right allowed_signers, as git verify-commit says") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  CHECK(repo.git_verifies(raw));

  const SignatureCheck check = check_commit_signature(raw, repo.allowed_signers());
  CHECK(check.status == SignatureStatus::good);
  CHECK(check.principal == "alice@example.com");
  REQUIRE(check.key);
  CHECK(*check.key == load_public_key(repo.alice_key()));
}

TEST_CASE("split_signed_commit returns exactly the bytes git signed and the armored signature") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n\nwith a body\n");
  const SplitCommit split = split_signed_commit(raw);

  CHECK(split.committer_email == "alice@example.com");
  CHECK(split.committer_time.seconds == 1700000000);
  CHECK(split.signature.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
  CHECK(split.signature.ends_with("\n-----END SSH SIGNATURE-----\n"));
  CHECK(split.payload.find("gpgsig") == std::string::npos);
  CHECK(split.payload.ends_with("\n\nopen EX-1\n\nwith a body\n"));
  // Re-inserting the signature gives back the original object, byte for byte.
  CHECK(with_gpgsig_header(split.payload, split.signature) == raw);

  // Stock ssh-keygen agrees that the signature covers that payload.
  const TempDir work;
  write_file(work / "allowed_signers", read_file(repo.allowed_signers_path()));
  write_file(work / "commit.sig", split.signature);
  CHECK(docket::test::run({"ssh-keygen", "-Y", "verify", "-f", (work / "allowed_signers").string(), "-I",
                           "alice@example.com", "-n", "git", "-s", (work / "commit.sig").string()},
                          split.payload)
            .status == 0);
}

TEST_CASE("a commit signed by a key allowed_signers does not list is unknown_key") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  repo.write_allowed_signers("alice@example.com " + docket::test::public_key_line(repo.bob_key()) + "\n");
  const SignatureCheck check = check_commit_signature(raw, repo.allowed_signers());
  CHECK(check.status == SignatureStatus::unknown_key);
  CHECK(check.key == load_public_key(repo.alice_key()));
  CHECK_FALSE(repo.git_verifies(raw));
}

TEST_CASE("a key allowed only for another principal than the committer is unknown_key") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  repo.write_allowed_signers("bob@example.com " + docket::test::public_key_line(repo.alice_key()) + "\n");
  CHECK(check_commit_signature(raw, repo.allowed_signers()).status == SignatureStatus::unknown_key);
  // Stock git only asks whether *some* principal may use the key, and would call this good;
  // docket binds the signature to the committer e-mail.
  CHECK(repo.git_verifies(raw));
}

TEST_CASE("the key's validity window is checked at the committer time, as git does") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  const std::string alice = docket::test::public_key_line(repo.alice_key());

  repo.write_allowed_signers("alice@example.com valid-before=\"20230101Z\" " + alice + "\n");
  CHECK(check_commit_signature(raw, repo.allowed_signers()).status == SignatureStatus::unknown_key);
  CHECK_FALSE(repo.git_verifies(raw));

  repo.write_allowed_signers("alice@example.com valid-after=\"20230101Z\",valid-before=\"20231115Z\" " + alice + "\n");
  CHECK(check_commit_signature(raw, repo.allowed_signers()).status == SignatureStatus::good);
  CHECK(repo.git_verifies(raw));
}

TEST_CASE("altering one byte of a signed commit makes it bad") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  for (const std::string& from : {std::string("open EX-1"), std::string("alice@example.com> 1700000000")}) {
    std::string altered = raw;
    const std::size_t at = altered.rfind(from);
    REQUIRE(at != std::string::npos);
    altered[at + 2] ^= 1;
    CHECK(check_commit_signature(altered, repo.allowed_signers()).status == SignatureStatus::bad);
    CHECK_FALSE(repo.git_verifies(altered));
  }
}

TEST_CASE("a gpgsig block copied into a commit message does not sign that commit") {
  SignedRepo repo;
  const std::string signed_raw = repo.commit("open EX-1\n");
  const std::size_t start = signed_raw.find("gpgsig ");
  const std::size_t end = signed_raw.find("\n\n");
  const std::string copied_header = signed_raw.substr(start, end + 1 - start);

  // The forged commit's message starts with alice's signature header from the other commit.
  const std::string forged = repo.commit(copied_header + "\napprove EX-1\n", /*sign=*/false);
  const SplitCommit split = split_signed_commit(forged);
  CHECK(split.signature.empty());
  CHECK(split.payload == forged);
  CHECK(check_commit_signature(forged, repo.allowed_signers()).status == SignatureStatus::unsigned_commit);
  CHECK_FALSE(repo.git_verifies(forged));
}

TEST_CASE("a commit docket signs in-process is accepted by git verify-commit") {
  SignedRepo repo;
  const std::string unsigned_raw = repo.commit("open EX-1\n", /*sign=*/false);
  CHECK(check_commit_signature(unsigned_raw, repo.allowed_signers()).status == SignatureStatus::unsigned_commit);

  const auto signer = load_signer(repo.alice_key().string());
  const std::string signed_raw = with_gpgsig_header(unsigned_raw, signer->sign(unsigned_raw));
  CHECK(repo.git_verifies(signed_raw));
  CHECK(check_commit_signature(signed_raw, repo.allowed_signers()).status == SignatureStatus::good);
}

TEST_CASE("signatures that do not parse, or in another namespace, are malformed or bad") {
  SignedRepo repo;
  const std::string unsigned_raw = repo.commit("open EX-1\n", /*sign=*/false);
  const auto signer = load_signer(repo.alice_key().string());

  const std::string garbage = with_gpgsig_header(unsigned_raw, "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n");
  CHECK(check_commit_signature(garbage, repo.allowed_signers()).status == SignatureStatus::malformed);

  const std::string other_namespace = with_gpgsig_header(unsigned_raw, signer->sign(unsigned_raw, "file"));
  CHECK(check_commit_signature(other_namespace, repo.allowed_signers()).status == SignatureStatus::bad);
}

TEST_CASE("split_signed_commit refuses two signature headers and broken committer lines") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  const SplitCommit split = split_signed_commit(raw);

  const std::string twice = with_gpgsig_header(raw, split.signature);
  CHECK_THROWS_AS(split_signed_commit(twice), docket::Error);
  try {
    split_signed_commit(twice);
  } catch (const docket::Error& error) {
    CHECK(error.code() == docket::ExitCode::store);
    CHECK(std::string(error.what()).find("two signature headers") != std::string::npos);
  }
  CHECK(check_commit_signature(twice, repo.allowed_signers()).status == SignatureStatus::malformed);

  std::string sha256_too = raw;
  sha256_too.insert(sha256_too.find("gpgsig "), "gpgsig-sha256 x\n y\n");
  CHECK_THROWS_AS(split_signed_commit(sha256_too), docket::Error);

  CHECK_THROWS_AS(split_signed_commit("tree abc\ncommitter A <a@b> notatime +0000\n\nm\n"), docket::Error);
  CHECK_THROWS_AS(split_signed_commit("tree abc\ncommitter A a@b 1 +0000\n\nm\n"), docket::Error);
  CHECK_THROWS_AS(split_signed_commit("tree abc\n\nm\n"), docket::Error);
  CHECK_THROWS_AS(split_signed_commit(" continuation first\ncommitter A <a@b> 1 +0000\n\nm\n"), docket::Error);
}

TEST_CASE("continuation lines of other headers stay in the payload") {
  const std::string raw =
      "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
      "author A <a@example.com> 1 +0000\n"
      "committer A <a@example.com> 2 -0130\n"
      "mergetag object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
      " type commit\n"
      "gpgsig -----BEGIN SSH SIGNATURE-----\n"
      " AAAA\n"
      " \n"
      " -----END SSH SIGNATURE-----\n"
      "\n"
      "message\n";
  const SplitCommit split = split_signed_commit(raw);
  CHECK(split.signature == "-----BEGIN SSH SIGNATURE-----\nAAAA\n\n-----END SSH SIGNATURE-----\n");
  CHECK(split.payload ==
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1 +0000\n"
        "committer A <a@example.com> 2 -0130\nmergetag object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
        " type commit\n\nmessage\n");
  CHECK(split.committer_time.seconds == 2);
}

TEST_CASE("signature statuses have stable text forms") {
  CHECK(to_string(SignatureStatus::good) == "good");
  CHECK(to_string(SignatureStatus::unsigned_commit) == "unsigned");
  CHECK(to_string(SignatureStatus::malformed) == "malformed");
  CHECK(to_string(SignatureStatus::bad) == "bad");
  CHECK(to_string(SignatureStatus::unknown_key) == "unknown-key");
}

namespace {

// `raw` with its gpgsig header's continuation lines replaced by `armored` (the same helper git
// would use), so a test can respell one signature.
std::string with_signature_text(const std::string& raw, const std::string& armored) {
  const SplitCommit split = split_signed_commit(raw);
  return with_gpgsig_header(split.payload, armored);
}

// The armored text with its base64 rewrapped at `columns`.
std::string rewrapped(const std::string& armored, std::size_t columns) {
  const std::string begin = "-----BEGIN SSH SIGNATURE-----\n", end = "-----END SSH SIGNATURE-----\n";
  std::string base64;
  for (char c : armored.substr(begin.size(), armored.size() - begin.size() - end.size()))
    if (c != '\n') base64.push_back(c);
  std::string out = begin;
  for (std::size_t i = 0; i < base64.size(); i += columns) out += base64.substr(i, columns) + "\n";
  return out + end;
}

}  // namespace

TEST_CASE("only the canonical armor counts: one signature gives one commit id") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  const SplitCommit split = split_signed_commit(raw);
  REQUIRE(check_commit_signature(raw, repo.allowed_signers()).status == SignatureStatus::good);
  // What stock git -S wrote is exactly docket's armor of the same signature.
  REQUIRE(sshsig_parse(split.signature));
  CHECK(sshsig_armor(*sshsig_parse(split.signature)) == split.signature);
  CHECK(with_signature_text(raw, split.signature) == raw);

  const std::string variants[] = {
      rewrapped(split.signature, 64),                  // same bytes, other line length
      rewrapped(split.signature, 76),
      split.signature + "trailing text\n",             // text after the END line
      split.signature + "\n",                          // a blank continuation line after END
      "-----BEGIN SSH SIGNATURE-----\n\n" + split.signature.substr(30),  // blank line after BEGIN
  };
  for (const std::string& armored : variants) {
    CAPTURE(armored);
    const std::string respelled = with_signature_text(raw, armored);
    REQUIRE(respelled != raw);
    const SignatureCheck check = check_commit_signature(respelled, repo.allowed_signers());
    CHECK(check.status == SignatureStatus::malformed);
    CHECK(check.problem.find("canonical armor") != std::string::npos);
  }
  // Stock git accepts a rewrapped signature, which is why docket must not: it would be a second
  // commit id for one signature.
  CHECK(repo.git_verifies(with_signature_text(raw, rewrapped(split.signature, 64))));
}

TEST_CASE("a gpgsig-sha256 header in a SHA-1 repository is refused, never read as the signature") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  const SplitCommit split = split_signed_commit(raw);

  // The signature moved to gpgsig-sha256: git reads no signature from it in a SHA-1 repository.
  std::string moved = with_gpgsig_header(split.payload, split.signature);
  moved.replace(moved.find("gpgsig "), 7, "gpgsig-sha256 ");
  CHECK_FALSE(repo.git_verifies(moved));
  SignatureCheck check = check_commit_signature(moved, repo.allowed_signers());
  CHECK(check.status == SignatureStatus::malformed);
  CHECK(check.problem.find("gpgsig-sha256") != std::string::npos);

  // An extra gpgsig-sha256 header after a good signature: git still says good (it leaves the
  // header out of the signed bytes), so the commit would have a second id.
  std::string extra = raw;
  extra.insert(extra.find("\n\n") + 1, "gpgsig-sha256 anything\n");
  CHECK(repo.git_verifies(extra));
  check = check_commit_signature(extra, repo.allowed_signers());
  CHECK(check.status == SignatureStatus::malformed);
}

TEST_CASE("the signature must be the last header, where git and libgit2 write it") {
  SignedRepo repo;
  const std::string raw = repo.commit("open EX-1\n");
  const SplitCommit split = split_signed_commit(raw);
  // The same signature moved up between author and committer.
  std::string moved = split.payload;
  std::string header = with_gpgsig_header("x\n\n", split.signature);
  header = header.substr(2, header.size() - 3);  // just the gpgsig header lines
  moved.insert(moved.find("committer "), header);
  REQUIRE(moved != raw);
  const SignatureCheck check = check_commit_signature(moved, repo.allowed_signers());
  CHECK(check.status == SignatureStatus::malformed);
  CHECK(check.problem.find("last header") != std::string::npos);
}
