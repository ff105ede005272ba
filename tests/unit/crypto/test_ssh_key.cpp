#include <doctest/doctest.h>

#include <string>

#include "crypto_test_support.hpp"
#include "docket/crypto/base64.hpp"
#include "docket/crypto/ssh_key.hpp"

using namespace docket::crypto;
using docket::test::TempDir;

TEST_CASE("an OpenSSH public key line parses, round-trips and drops its comment") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const std::string line = docket::test::public_key_line(key_path);

  const auto key = parse_openssh_public_key(line);
  REQUIRE(key);
  CHECK(key->type == "ssh-ed25519");
  CHECK(key->ed25519_raw().size() == 32);
  CHECK(line.starts_with(key->to_openssh() + " "));  // the .pub line carries a comment
  CHECK(parse_openssh_public_key(key->to_openssh()) == key);
  CHECK(parse_openssh_public_key("  " + key->to_openssh() + "\r\n") == key);
  CHECK(parse_public_key_blob(key->blob) == key);
}

TEST_CASE("the fingerprint is the one ssh-keygen -l prints") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const auto key = parse_openssh_public_key(docket::test::public_key_line(key_path));
  REQUIRE(key);
  const auto listed = docket::test::run({"ssh-keygen", "-l", "-E", "sha256", "-f", key_path.string() + ".pub"});
  REQUIRE(listed.status == 0);
  // "256 SHA256:… alice@example.com (ED25519)"
  CHECK(listed.out.find(" " + key->fingerprint() + " ") != std::string::npos);
  CHECK(key->fingerprint().starts_with("SHA256:"));
  CHECK(key->fingerprint().find('=') == std::string::npos);
}

TEST_CASE("malformed public keys are refused") {
  TempDir dir;
  const auto key = parse_openssh_public_key(docket::test::public_key_line(docket::test::make_ssh_key(dir, "a")));
  REQUIRE(key);
  const std::string encoded = base64_encode(key->blob);

  CHECK_FALSE(parse_openssh_public_key(""));
  CHECK_FALSE(parse_openssh_public_key("ssh-ed25519"));
  CHECK_FALSE(parse_openssh_public_key("ssh-ed25519 not-base64!"));
  CHECK_FALSE(parse_openssh_public_key("ssh-rsa " + encoded));  // type differs from the blob's
  // Truncated key bytes, trailing bytes, and a bare type are not keys.
  CHECK_FALSE(parse_public_key_blob(key->blob.substr(0, key->blob.size() - 1)));
  CHECK_FALSE(parse_public_key_blob(key->blob + "x"));
  CHECK_FALSE(parse_public_key_blob(std::string("\0\0\0\x0bssh-ed25519", 15)));
}

TEST_CASE("other key types parse opaquely but have no Ed25519 bytes") {
  TempDir dir;
  const auto key_path = dir / "rsa";
  REQUIRE(docket::test::run({"ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key_path.string()}).status == 0);
  const auto key = parse_openssh_public_key(docket::test::public_key_line(key_path));
  REQUIRE(key);
  CHECK(key->type == "ssh-rsa");
  CHECK(key->ed25519_raw().empty());
}
