// SSH public keys: OpenSSH `.pub` lines (member add --key, allowed_signers, revoked_keys), SSH
// wire blobs (inside SSHSIG signatures and private key files) and the store's revoked_keys file.
// Checks: the key parsers return nullopt for bad input and never throw; a parsed key writes back
// (to_openssh, its blob) and parses as the same key; unusable_key_reason (which decodes the key
// into OpenSSL) never throws, and a usable key has a size and a label; a revoked_keys file is
// refused only with docket::Error, and a line docket writes for any key it holds reads back.

#include "docket/crypto/revoked_keys.hpp"
#include "docket/crypto/ssh_key.hpp"
#include "fuzz_support.hpp"

using namespace docket;
using crypto::SshPublicKey;

namespace {

void check_key(const SshPublicKey& key) {
  FUZZ_CHECK(crypto::parse_openssh_public_key(key.to_openssh()) == key);
  FUZZ_CHECK(crypto::parse_public_key_blob(key.blob) == key);
  const std::string fingerprint = key.fingerprint();
  FUZZ_CHECK(fingerprint.size() == 50 && fingerprint.starts_with("SHA256:"));
  const std::string raw = key.ed25519_raw();
  FUZZ_CHECK(raw.empty() || raw.size() == 32);
  if (!crypto::unusable_key_reason(key)) {
    FUZZ_CHECK(key.bits() > 0);
    FUZZ_CHECK(!key.label().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  if (const auto key = crypto::parse_openssh_public_key(text)) check_key(*key);
  if (const auto key = crypto::parse_public_key_blob(text)) {
    FUZZ_CHECK(key->blob == text);
    check_key(*key);
  }

  const auto revoked = fuzz::accepted([&] { return crypto::RevokedKeys::parse(text); });
  if (!revoked) return 0;
  const Email holder = *Email::parse("former@example.com");
  for (const SshPublicKey& key : revoked->keys()) {
    FUZZ_CHECK(revoked->contains(key));
    (void)revoked->comment_of(key);
    const auto line = crypto::RevokedKeys::parse(crypto::RevokedKeys::header() + crypto::RevokedKeys::format_line(key, holder) + "\n");
    FUZZ_CHECK(line.keys().size() == 1 && line.keys().front() == key);
    FUZZ_CHECK(line.comment_of(key) == holder.str());
  }
  return 0;
}
