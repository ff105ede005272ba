#include <doctest/doctest.h>

#include <string>

#include "crypto_test_support.hpp"
#include "docket/core/error.hpp"
#include "docket/core/types.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/crypto/signer_rules.hpp"

using namespace docket::crypto;
using docket::test::load_signer;
using docket::Email;
using docket::test::run;
using docket::test::TempDir;
using docket::test::write_file;

namespace {

struct World {
  TempDir dir;
  std::filesystem::path alice_path = docket::test::make_ssh_key(dir, "alice");
  std::filesystem::path bob_path = docket::test::make_ssh_key(dir, "bob");
  SshPublicKey alice = *parse_openssh_public_key(docket::test::public_key_line(alice_path));
  SshPublicKey bob = *parse_openssh_public_key(docket::test::public_key_line(bob_path));
  Email alice_email = *Email::parse("alice@acme.example");
  Email bob_email = *Email::parse("bob@acme.example");
  std::vector<Email> members{alice_email, bob_email};

  // allowed_signers as docket writes it, for alice and bob.
  std::string docket_file() const {
    return "# docket allowed signers\n" + AllowedSigners::format_line(alice_email, alice) + "\n" +
           AllowedSigners::format_line(bob_email, bob) + "\n";
  }
  std::string bob_line_with(const std::string& principals_and_options) const {
    return principals_and_options + " " + bob.to_openssh() + "\n";
  }
};

// The findings for `text` (alice and bob members, nothing revoked), as "rule: message" lines.
std::vector<std::string> findings_for(const World& w, const std::string& text, const RevokedKeys& revoked = {}) {
  std::vector<std::string> out;
  for (const auto& f : check_docket_form(AllowedSigners::parse(text), w.members, revoked))
    out.push_back(std::string(f.rule) + ": " + f.message);
  return out;
}

bool has(const std::vector<std::string>& findings, const std::string& needle) {
  for (const auto& f : findings)
    if (f.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("allowed_signers exactly as docket writes it has no finding") {
  World w;
  CHECK(findings_for(w, w.docket_file()).empty());
  // namespaces may be left out (any namespace); docket's own lines always name git.
  CHECK(findings_for(w, "alice@acme.example " + w.alice.to_openssh() + "\n").empty());
}

TEST_CASE("signers-form: every looser line is named with its line number") {
  World w;
  const std::string alice = AllowedSigners::format_line(w.alice_email, w.alice) + "\n";
  struct Case {
    std::string bob_part, expected;
  };
  const Case cases[] = {
      {"*@acme.example", "allowed_signers:2: the principal \"*@acme.example\" is a pattern"},
      {"b?b@acme.example", "is a pattern"},
      {"bob@acme.example,!mallory@evil.example", "lists 2 principals"},
      {"bob@acme.example,carol@acme.example", "lists 2 principals"},
      {"\"bob@acme.example\"", "quoted list"},
      {"carol@acme.example", "the principal carol@acme.example is not a member"},
      {"bob", "is not an e-mail address"},
      {"bob@acme.example cert-authority", "cert-authority"},
      {"bob@acme.example valid-before=\"20300101Z\"", "valid-after/valid-before"},
      {"bob@acme.example valid-after=\"20200101Z\"", "valid-after/valid-before"},
      {"bob@acme.example namespaces=\"file\"", "namespaces=\"file\""},
      {"bob@acme.example namespaces=\"git,file\"", "namespaces=\"git,file\""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.bob_part);
    const auto findings = findings_for(w, alice + w.bob_line_with(c.bob_part));
    CHECK(has(findings, "signers-form: "));
    CHECK(has(findings, c.expected));
  }
  // One member, two lines.
  const auto twice = findings_for(w, w.docket_file() + "bob@acme.example " + w.alice.to_openssh() + "\n");
  CHECK(has(twice, "signers-form: allowed_signers:4: bob@acme.example is also listed on line 3"));
}

TEST_CASE("key-shared: one key listed for two members") {
  World w;
  const std::string text = AllowedSigners::format_line(w.alice_email, w.alice) + "\n" +
                           AllowedSigners::format_line(w.bob_email, w.alice) + "\n";
  const auto findings = findings_for(w, text);
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().starts_with("key-shared: allowed_signers:2: the key " + w.alice.fingerprint()));
  CHECK(has(findings, "also listed for alice@acme.example on line 1"));
}

TEST_CASE("key-revoked: a revoked key listed again") {
  World w;
  const RevokedKeys revoked = RevokedKeys::parse(RevokedKeys::header() + RevokedKeys::format_line(w.bob, w.bob_email) + "\n");
  const auto findings = findings_for(w, w.docket_file(), revoked);
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().starts_with("key-revoked: allowed_signers:3: the key " + w.bob.fingerprint()));
}

TEST_CASE("revoked_keys parses OpenSSH key lines with comments and refuses anything else") {
  World w;
  const std::string text = RevokedKeys::header() + "\n" + RevokedKeys::format_line(w.bob, w.bob_email) + "\n";
  const RevokedKeys revoked = RevokedKeys::parse(text);
  CHECK(revoked.keys().size() == 1);
  CHECK(revoked.contains(w.bob));
  CHECK_FALSE(revoked.contains(w.alice));
  CHECK(RevokedKeys::parse("").empty());
  CHECK_THROWS_AS(RevokedKeys::parse("bob@acme.example " + w.bob.to_openssh() + "\n"), docket::Error);
  CHECK_THROWS_AS(RevokedKeys::parse("ssh-ed25519 notbase64\n"), docket::Error);
}

TEST_CASE("stock ssh-keygen -Y verify -r refuses a key docket's revoked_keys lists") {
  World w;
  const std::string message = "signed text\n";
  write_file(w.dir / "allowed_signers", w.docket_file());
  write_file(w.dir / "message.sig", load_signer(w.bob_path.string())->sign(message));
  const auto verify_with = [&](const std::string& revoked_text) {
    write_file(w.dir / "revoked_keys", revoked_text);
    return run({"ssh-keygen", "-Y", "verify", "-f", (w.dir / "allowed_signers").string(), "-I", "bob@acme.example",
                "-n", "git", "-s", (w.dir / "message.sig").string(), "-r", (w.dir / "revoked_keys").string()},
               message)
        .status;
  };
  CHECK(verify_with(RevokedKeys::header()) == 0);
  CHECK(verify_with(RevokedKeys::header() + RevokedKeys::format_line(w.bob, w.bob_email) + "\n") != 0);
}

TEST_CASE("revocations are append-only and every key that leaves allowed_signers is revoked") {
  World w;
  const AllowedSigners both = AllowedSigners::parse(w.docket_file());
  const AllowedSigners alice_only = AllowedSigners::parse(AllowedSigners::format_line(w.alice_email, w.alice) + "\n");
  const RevokedKeys none;
  const RevokedKeys bob_revoked = RevokedKeys::parse(RevokedKeys::format_line(w.bob, w.bob_email) + "\n");

  // docket member remove bob: the key leaves allowed_signers and enters revoked_keys.
  CHECK(check_revocation_change({both, none, true}, {alice_only, bob_revoked, true}).empty());
  // A store made before revoked_keys existed: removing a key without the file is not checked.
  CHECK(check_revocation_change({both, none, false}, {alice_only, none, false}).empty());

  const auto missing = check_revocation_change({both, none, true}, {alice_only, none, true});
  REQUIRE(missing.size() == 1);
  CHECK(missing.front().rule == kRevocationMissing);
  CHECK(missing.front().message.find("of bob@acme.example left allowed_signers") != std::string::npos);

  const auto taken_out = check_revocation_change({alice_only, bob_revoked, true}, {alice_only, none, true});
  REQUIRE(taken_out.size() == 1);
  CHECK(taken_out.front().rule == kRevokedKeysAppendOnly);

  const auto file_removed = check_revocation_change({alice_only, none, true}, {alice_only, none, false});
  REQUIRE(file_removed.size() == 1);
  CHECK(file_removed.front().rule == kRevokedKeysAppendOnly);
}

TEST_CASE("member add refuses a revoked key and a key another member holds") {
  World w;
  const AllowedSigners signers = AllowedSigners::parse(AllowedSigners::format_line(w.alice_email, w.alice) + "\n");
  const RevokedKeys bob_revoked = RevokedKeys::parse(RevokedKeys::format_line(w.bob, w.bob_email) + "\n");
  const Email carol = *Email::parse("carol@acme.example");

  CHECK_NOTHROW(require_key_assignable(signers, RevokedKeys{}, w.bob_email, w.bob));
  CHECK_NOTHROW(require_key_assignable(signers, RevokedKeys{}, w.alice_email, w.alice));  // a role change keeps the key
  try {
    require_key_assignable(signers, RevokedKeys{}, carol, w.alice);
    FAIL("a key alice holds was given to carol");
  } catch (const docket::RuleViolation& e) {
    CHECK(e.rule() == "key-shared");
    CHECK(e.code() == docket::ExitCode::refused);
    CHECK(std::string(e.what()).find("already belongs to alice@acme.example") != std::string::npos);
  }
  try {
    require_key_assignable(signers, bob_revoked, w.bob_email, w.bob);
    FAIL("a revoked key was given back");
  } catch (const docket::RuleViolation& e) {
    CHECK(e.rule() == "key-revoked");
  }
}

TEST_CASE("signer rule names are stable") {
  CHECK(signer_rule_names() ==
        std::vector<std::string_view>{"signers-form", "key-shared", "key-unusable", "key-revoked", "revoked-keys-append-only",
                                      "revocation-missing"});
}
