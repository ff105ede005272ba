#include <doctest/doctest.h>

#include <string>

#include "crypto_test_support.hpp"
#include "docket/core/error.hpp"
#include "docket/core/types.hpp"
#include "docket/crypto/allowed_signers.hpp"

using namespace docket::crypto;
using docket::Error;
using docket::ExitCode;
using docket::Timestamp;
using docket::test::TempDir;

namespace {

struct Keys {
  TempDir dir;
  std::string alice_line = docket::test::public_key_line(docket::test::make_ssh_key(dir, "alice"));
  std::string bob_line = docket::test::public_key_line(docket::test::make_ssh_key(dir, "bob"));
  SshPublicKey alice = *parse_openssh_public_key(alice_line);
  SshPublicKey bob = *parse_openssh_public_key(bob_line);
};

constexpr Timestamp jan_2026{1767225600};  // 2026-01-01T00:00:00Z

// The message of the Error parse throws for `text`.
std::string parse_error(const std::string& text) {
  try {
    AllowedSigners::parse(text, "trust/allowed_signers");
  } catch (const Error& error) {
    CHECK(error.code() == ExitCode::usage);
    return error.what();
  }
  FAIL("expected a parse error for: " << text);
  return {};
}

}  // namespace

TEST_CASE("a plain line allows its principal with its key in any namespace") {
  Keys keys;
  const auto signers = AllowedSigners::parse("alice@example.com " + keys.alice_line + "\n");
  REQUIRE(signers.entries().size() == 1);
  const AllowedSigner& entry = signers.entries().front();
  CHECK(entry.principals == std::vector<std::string>{"alice@example.com"});
  CHECK(entry.namespaces.empty());
  CHECK_FALSE(entry.cert_authority);
  CHECK(entry.key == keys.alice);
  CHECK(entry.line == 1);

  CHECK(signers.allows("alice@example.com", keys.alice, "git", jan_2026));
  CHECK(signers.allows("alice@example.com", keys.alice, "file", jan_2026));
  CHECK_FALSE(signers.allows("alice@example.com", keys.bob, "git", jan_2026));
  CHECK_FALSE(signers.allows("bob@example.com", keys.alice, "git", jan_2026));
}

TEST_CASE("blank lines, comments and trailing key comments are skipped, and line numbers count them") {
  Keys keys;
  const auto signers = AllowedSigners::parse("# team keys\n\n   \n  # indented comment\r\n"
                                             "alice@example.com " + keys.alice_line + " laptop key\r\n"
                                             "bob@example.com\t" + keys.bob_line + "\n");
  REQUIRE(signers.entries().size() == 2);
  CHECK(signers.entries()[0].line == 5);
  CHECK(signers.entries()[1].line == 6);
  CHECK(signers.allows("bob@example.com", keys.bob, "git", jan_2026));
}

TEST_CASE("namespaces restrict a line, with quoted comma-separated patterns") {
  Keys keys;
  const auto signers = AllowedSigners::parse("alice@example.com namespaces=\"git,file-*\" " + keys.alice_line);
  CHECK(signers.entries().front().namespaces == std::vector<std::string>{"git", "file-*"});
  CHECK(signers.allows("alice@example.com", keys.alice, "git", jan_2026));
  CHECK(signers.allows("alice@example.com", keys.alice, "file-backup", jan_2026));
  CHECK_FALSE(signers.allows("alice@example.com", keys.alice, "email", jan_2026));
}

TEST_CASE("principal patterns: wildcards admit, a matching negation vetoes the whole line") {
  Keys keys;
  const auto signers = AllowedSigners::parse("*@example.com,!mallory@example.com,ops?@corp.test " + keys.alice_line);
  CHECK(signers.allows("alice@example.com", keys.alice, "git", jan_2026));
  CHECK(signers.allows("ops1@corp.test", keys.alice, "git", jan_2026));
  CHECK_FALSE(signers.allows("ops12@corp.test", keys.alice, "git", jan_2026));
  CHECK_FALSE(signers.allows("mallory@example.com", keys.alice, "git", jan_2026));
  CHECK_FALSE(signers.allows("alice@example.org", keys.alice, "git", jan_2026));
  CHECK_FALSE(signers.allows("ALICE@example.com.evil", keys.alice, "git", jan_2026));
}

TEST_CASE("a quoted principals list may hold spaces, as ssh-keygen allows") {
  Keys keys;
  const auto signers = AllowedSigners::parse("\"alice smith@example.com,bob@example.com\" " + keys.alice_line);
  CHECK(signers.allows("alice smith@example.com", keys.alice, "git", jan_2026));
  CHECK(signers.allows("bob@example.com", keys.alice, "git", jan_2026));
}

TEST_CASE("validity windows are inclusive and read Z times as UTC") {
  Keys keys;
  const auto signers = AllowedSigners::parse("alice@example.com valid-after=\"20260101Z\",valid-before=\"202601311200Z\" " +
                                             keys.alice_line);
  const AllowedSigner& entry = signers.entries().front();
  REQUIRE(entry.valid_after);
  REQUIRE(entry.valid_before);
  CHECK(entry.valid_after->seconds == jan_2026.seconds);
  CHECK(entry.valid_before->seconds == jan_2026.seconds + 30 * 86400 + 12 * 3600);

  CHECK_FALSE(signers.allows("alice@example.com", keys.alice, "git", Timestamp{jan_2026.seconds - 1}));
  CHECK(signers.allows("alice@example.com", keys.alice, "git", jan_2026));
  CHECK(signers.allows("alice@example.com", keys.alice, "git", *entry.valid_before));
  CHECK_FALSE(signers.allows("alice@example.com", keys.alice, "git", Timestamp{entry.valid_before->seconds + 1}));

  const auto seconds = AllowedSigners::parse("a@b valid-before=\"20260101000030UTC\" " + keys.alice_line);
  CHECK(seconds.entries().front().valid_before->seconds == jan_2026.seconds + 30);
}

TEST_CASE("cert-authority lines never allow a plain key") {
  Keys keys;
  const auto signers = AllowedSigners::parse("*@example.com cert-authority,namespaces=\"git\" " + keys.alice_line);
  CHECK(signers.entries().front().cert_authority);
  CHECK_FALSE(signers.allows("alice@example.com", keys.alice, "git", jan_2026));
  CHECK(signers.principals_for(keys.alice).empty());
}

TEST_CASE("options are case-insensitive and quoted values may contain commas, spaces and escaped quotes") {
  Keys keys;
  const auto signers =
      AllowedSigners::parse("alice@example.com NAMESPACES=\"git, x\\\"y\" " + keys.alice_line);
  CHECK(signers.entries().front().namespaces == std::vector<std::string>{"git", " x\"y"});
}

TEST_CASE("principals_for lists literal principals of every line with the key, without patterns or repeats") {
  Keys keys;
  const auto signers = AllowedSigners::parse("alice@example.com,*@ops.test " + keys.alice_line + "\n" +
                                             "bob@example.com " + keys.bob_line + "\n" +
                                             "alice@example.com,al@example.com namespaces=\"git\" " + keys.alice_line);
  CHECK(signers.principals_for(keys.alice) == std::vector<std::string>{"alice@example.com", "al@example.com"});
  CHECK(signers.principals_for(keys.bob) == std::vector<std::string>{"bob@example.com"});
}

TEST_CASE("format_line writes the canonical line, which parses back and which ssh-keygen accepts") {
  Keys keys;
  const auto email = docket::Email::parse("alice@example.com");
  REQUIRE(email);
  const std::string line = AllowedSigners::format_line(*email, keys.alice);
  CHECK(line == "alice@example.com namespaces=\"git\" " + keys.alice.to_openssh());
  const auto signers = AllowedSigners::parse(line);
  CHECK(signers.allows("alice@example.com", keys.alice, "git", jan_2026));
  CHECK_FALSE(signers.allows("alice@example.com", keys.alice, "file", jan_2026));

  docket::test::write_file(keys.dir / "allowed_signers", line + "\n");
  const std::string message = "payload\n";
  const auto signature =
      docket::test::run({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", (keys.dir / "alice").string()}, message);
  REQUIRE(signature.status == 0);
  docket::test::write_file(keys.dir / "message.sig", signature.out);
  CHECK(docket::test::run({"ssh-keygen", "-Y", "verify", "-f", (keys.dir / "allowed_signers").string(), "-I",
                           "alice@example.com", "-n", "git", "-s", (keys.dir / "message.sig").string()},
                          message)
            .status == 0);
}

TEST_CASE("malformed lines are usage errors naming the source and line") {
  Keys keys;
  const std::string& key = keys.alice_line;
  CHECK(parse_error("\n# c\nalice@example.com\n") == "trust/allowed_signers:3: no public key after the principals");
  CHECK(parse_error("alice@example.com " + key + "\nbob@example.com namespaces=git " + key)
            .starts_with("trust/allowed_signers:2: the value of namespaces must be in double quotes"));
  CHECK(parse_error("a@b valid-before=\"2027-01-01\" " + key).find(":1: valid-before time") != std::string::npos);
  CHECK(parse_error("a@b valid-before=\"20270230\" " + key).find("valid-before time") != std::string::npos);
  CHECK(parse_error("a@b valid-before=\"20270101\",valid-before=\"20270102\" " + key).find("given twice") !=
        std::string::npos);
  CHECK(parse_error("a@b valid-after=\"20270101Z\",valid-before=\"20260101Z\" " + key).find("not later") !=
        std::string::npos);
  CHECK(parse_error("a@b no-touch-required " + key).find("unknown option \"no-touch-required\"") != std::string::npos);
  CHECK(parse_error("a@b namespaces=\"git\", " + key).find("ends with a comma") != std::string::npos);
  CHECK(parse_error("a@b namespaces=\"git " + key).find("no closing quote") != std::string::npos);
  CHECK(parse_error("a@b namespaces=\"\" " + key).find("empty namespace") != std::string::npos);
  CHECK(parse_error("a@b,,c@d " + key).find("empty principal") != std::string::npos);
  CHECK(parse_error("a@b ssh-ed25519 AAAAbroken").find("ssh-ed25519 public key is malformed") != std::string::npos);
  CHECK(parse_error("a@b namespaces=\"git\"").find("no public key after the options") != std::string::npos);
  CHECK(parse_error("\"a@b " + key).find("no closing quote") != std::string::npos);
}

TEST_CASE("entries that stock ssh-keygen accepts, docket accepts with the same verdicts") {
  Keys keys;
  const std::string text = "alice@example.com namespaces=\"git\",valid-after=\"20200101Z\" " + keys.alice_line +
                           " comment\n*@example.com,!mallory@example.com " + keys.bob_line + "\n";
  docket::test::write_file(keys.dir / "allowed_signers", text);
  const auto signers = AllowedSigners::parse(text);
  const docket::test::TempDir work;
  for (const auto& [name, principal] : {std::pair{"alice", "alice@example.com"}, std::pair{"bob", "bob@example.com"},
                                        std::pair{"bob", "mallory@example.com"}, std::pair{"alice", "bob@example.com"}}) {
    const std::string message = "payload\n";
    const auto signed_output =
        docket::test::run({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", (keys.dir / name).string()}, message);
    REQUIRE(signed_output.status == 0);
    docket::test::write_file(work / "sig", signed_output.out);
    const bool stock = docket::test::run({"ssh-keygen", "-Y", "verify", "-f", (keys.dir / "allowed_signers").string(),
                                          "-I", principal, "-n", "git", "-s", (work / "sig").string()},
                                         message)
                           .status == 0;
    const SshPublicKey& key = std::string(name) == "alice" ? keys.alice : keys.bob;
    CHECK_MESSAGE(signers.allows(principal, key, "git", jan_2026) == stock, name << " as " << principal);
  }
}
