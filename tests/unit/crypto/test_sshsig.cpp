#include <doctest/doctest.h>

#include <string>

#include "crypto_test_support.hpp"
#include "docket/crypto/base64.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/crypto/sshsig.hpp"

using namespace docket::crypto;
using docket::test::load_signer;
using docket::test::read_file;
using docket::test::run;
using docket::test::TempDir;
using docket::test::write_file;

namespace {

const std::string message =
    "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1700000000 +0000\n"
    "committer A <a@example.com> 1700000000 +0000\n\nopen EX-1\n";

// ssh-keygen -Y verify against a one-line allowed_signers file for `principal`.
bool stock_ssh_keygen_accepts(const TempDir& dir, const std::string& signature, const std::string& signed_message,
                              const std::string& public_key_line, const std::string& ns = "git") {
  write_file(dir / "allowed_signers", "alice@example.com " + public_key_line + "\n");
  write_file(dir / "message.sig", signature);
  return run({"ssh-keygen", "-Y", "verify", "-f", (dir / "allowed_signers").string(), "-I", "alice@example.com", "-n",
              ns, "-s", (dir / "message.sig").string()},
             signed_message)
             .status == 0;
}

}  // namespace

TEST_CASE("our SSHSIG is byte-identical to ssh-keygen -Y sign for the same key and message") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const auto stock = run({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", key_path.string()}, message);
  REQUIRE(stock.status == 0);

  const auto signer = load_signer(key_path.string());
  CHECK(signer->sign(message) == stock.out);
  CHECK(signer->sign(message, "file") ==
        run({"ssh-keygen", "-Y", "sign", "-n", "file", "-f", key_path.string()}, message).out);
}

TEST_CASE("the armor wraps base64 at 70 columns and ends with a newline") {
  TempDir dir;
  const auto signer = load_signer(docket::test::make_ssh_key(dir, "alice").string());
  const std::string armored = signer->sign(message);
  CHECK(armored.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
  CHECK(armored.ends_with("\n-----END SSH SIGNATURE-----\n"));
  std::size_t longest = 0;
  for (std::size_t start = 0, end; start < armored.size(); start = end + 1) {
    end = armored.find('\n', start);
    longest = std::max(longest, end - start);
  }
  CHECK(longest == 70);
}

TEST_CASE("stock ssh-keygen verifies our signature, and rejects it for another message or namespace") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const std::string public_key = docket::test::public_key_line(key_path);
  const std::string signature = load_signer(key_path.string())->sign(message);

  CHECK(stock_ssh_keygen_accepts(dir, signature, message, public_key));
  CHECK_FALSE(stock_ssh_keygen_accepts(dir, signature, message + "x", public_key));
  CHECK_FALSE(stock_ssh_keygen_accepts(dir, signature, message, public_key, "file"));
}

TEST_CASE("a signature made by ssh-keygen parses and verifies with ours") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const auto stock = run({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", key_path.string()}, message);
  REQUIRE(stock.status == 0);

  const auto signature = sshsig_parse(stock.out);
  REQUIRE(signature);
  CHECK(signature->ns == "git");
  CHECK(signature->hash_alg == "sha512");
  CHECK(signature->sig_type == "ssh-ed25519");
  CHECK(signature->signature_blob.size() == 4 + 11 + 4 + 64);  // string("ssh-ed25519") string(64 bytes)
  CHECK(signature->key == *parse_openssh_public_key(docket::test::public_key_line(key_path)));
  CHECK(sshsig_armor(*signature) == stock.out);

  CHECK(sshsig_verify(*signature, message));
  CHECK(sshsig_verify(*signature, message, "git"));
}

TEST_CASE("verification fails for a tampered message, a wrong namespace, another key or a flipped bit") {
  TempDir dir;
  const auto signer = load_signer(docket::test::make_ssh_key(dir, "alice").string());
  const auto other = load_signer(docket::test::make_ssh_key(dir, "mallory").string());
  const auto signature = sshsig_parse(signer->sign(message));
  REQUIRE(signature);

  std::string tampered = message;
  tampered[10] ^= 1;
  CHECK_FALSE(sshsig_verify(*signature, tampered));
  CHECK_FALSE(sshsig_verify(*signature, message, "file"));

  auto relabelled = *signature;
  relabelled.ns = "file";  // the namespace is signed: changing it in the blob breaks the signature
  CHECK_FALSE(sshsig_verify(relabelled, message, "file"));

  auto wrong_key = *signature;
  wrong_key.key = other->public_key();
  CHECK_FALSE(sshsig_verify(wrong_key, message));

  auto flipped = *signature;
  flipped.signature_blob[30] ^= 0x40;
  CHECK_FALSE(sshsig_verify(flipped, message));
}

TEST_CASE("signatures over SHA-256 verify too, since ssh-keygen may produce them") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const auto stock =
      run({"ssh-keygen", "-Y", "sign", "-n", "git", "-O", "hashalg=sha256", "-f", key_path.string()}, message);
  REQUIRE(stock.status == 0);
  const auto signature = sshsig_parse(stock.out);
  REQUIRE(signature);
  CHECK(signature->hash_alg == "sha256");
  CHECK(sshsig_verify(*signature, message));
}

TEST_CASE("sshsig_parse refuses damaged armor and blobs") {
  TempDir dir;
  const auto signer = load_signer(docket::test::make_ssh_key(dir, "alice").string());
  const std::string armored = signer->sign(message);
  const auto good = sshsig_parse(armored);
  REQUIRE(good);

  CHECK(sshsig_parse(armored.substr(0, armored.size() - 1)));  // final newline is optional
  CHECK_FALSE(sshsig_parse(""));
  CHECK_FALSE(sshsig_parse(armored.substr(1)));                             // broken BEGIN line
  CHECK_FALSE(sshsig_parse(armored.substr(0, armored.size() - 10)));        // no END line
  CHECK_FALSE(sshsig_parse(armored + "trailing text\n"));
  std::string bad_char = armored;
  bad_char[40] = '!';
  CHECK_FALSE(sshsig_parse(bad_char));

  // Rebuild blobs with one field wrong.
  auto armor_with = [&](const std::string& blob) {
    return "-----BEGIN SSH SIGNATURE-----\n" + base64_encode(blob) + "\n-----END SSH SIGNATURE-----\n";
  };
  const std::string text = armored.substr(30, armored.size() - 30 - 28);
  std::string joined;
  for (char c : text)
    if (c != '\n') joined.push_back(c);
  const auto blob = base64_decode(joined);
  REQUIRE(blob);
  CHECK(sshsig_parse(armor_with(*blob)));
  std::string wrong_magic = *blob;
  wrong_magic[0] = 'X';
  CHECK_FALSE(sshsig_parse(armor_with(wrong_magic)));
  std::string wrong_version = *blob;
  wrong_version[9] = 2;
  CHECK_FALSE(sshsig_parse(armor_with(wrong_version)));
  CHECK_FALSE(sshsig_parse(armor_with(*blob + "x")));
  CHECK_FALSE(sshsig_parse(armor_with(blob->substr(0, blob->size() - 1))));
}
