// Key files (`--key`, DOCKET_SIGNING_KEY, git's user.signingkey, `member add --key`): OpenSSH
// `openssh-key-v1` private keys, PEM private and public keys and `.pub` lines, told apart by
// their content (src/crypto/key_file.hpp).
// Checks: every refusal is docket::Error; a file detected as a public key line parses as one
// (signer.cpp relies on it); an OpenSSH private key gives the same public key and encryption
// flag whether its private part is loaded or skipped; every private key that loads gives back
// its public key, and one docket accepts signs data its signature then verifies (and no other).

#include <openssl/evp.h>

#include "docket/crypto/ssh_key.hpp"
#include "fuzz_support.hpp"
#include "key_file.hpp"
#include "ssh_algorithms.hpp"

using namespace docket;
using namespace docket::crypto::detail;

namespace {

const std::filesystem::path kPath = "fuzz-key";
constexpr std::string_view kData = "docket fuzz: data to sign";

void check_signs(EVP_PKEY* key, const crypto::SshPublicKey& public_key) {
  const std::string blob = sign_data(key, public_key, kData);
  const SignatureCheck check = verify_signature(public_key, blob, kData);
  FUZZ_CHECK(check.verdict == SignatureVerdict::valid);
  FUZZ_CHECK(verify_signature(public_key, blob, "other data").verdict == SignatureVerdict::invalid);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content = fuzz::as_text(data, size);
  switch (detect_key_file_format(content)) {
    case KeyFileFormat::openssh_private: {
      const auto skipped = fuzz::accepted([&] { return parse_openssh_private_key(content, kPath, PrivatePart::skip); });
      auto loaded = fuzz::accepted([&] { return parse_openssh_private_key(content, kPath, PrivatePart::load); });
      if (loaded) FUZZ_CHECK(skipped.has_value());
      if (!loaded) return 0;
      FUZZ_CHECK(loaded->public_key == skipped->public_key && loaded->encrypted == skipped->encrypted);
      if (loaded->private_key) {
        FUZZ_CHECK(!loaded->encrypted);
        FUZZ_CHECK(public_key_of(loaded->private_key.get(), "key") == loaded->public_key);
        if (!crypto::unusable_key_reason(loaded->public_key)) check_signs(loaded->private_key.get(), loaded->public_key);
      }
      return 0;
    }
    case KeyFileFormat::pem: {
      const auto private_key = fuzz::accepted([&] { return parse_pem_private_key(content, kPath); });
      if (private_key) {
        const auto public_key = fuzz::accepted([&] { return public_key_of(private_key->get(), "key"); });
        if (public_key && !crypto::unusable_key_reason(*public_key)) check_signs(private_key->get(), *public_key);
      }
      const auto public_only = fuzz::accepted([&] { return parse_pem_public_key(content, kPath); });
      if (public_only) (void)fuzz::accepted([&] { return public_key_of(public_only->get(), "key"); });
      return 0;
    }
    case KeyFileFormat::openssh_public: FUZZ_CHECK(crypto::parse_openssh_public_key(content).has_value()); return 0;
    case KeyFileFormat::unknown: return 0;
  }
  return 0;
}
