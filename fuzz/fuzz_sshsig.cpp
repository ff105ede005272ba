// SSHSIG armor (`-----BEGIN SSH SIGNATURE-----`): the signature of every commit `verify`
// checks, as git's gpg.format=ssh writes it.
// Checks: sshsig_parse returns nullopt for bad input and never throws; a parsed signature armors
// (sshsig_armor) to text that parses as the same signature; sshsig_check answers for every key
// and signature type without throwing, over the message of OpenSSH's test vectors (so their
// signatures in the corpus verify) and in namespace git; a signature valid for a message is
// not valid for that message changed by one byte.

#include "docket/crypto/sshsig.hpp"
#include "fuzz_support.hpp"

using namespace docket;
using crypto::SshSignature;

namespace {

// The message OpenSSH's regress/unittests/sshsig/testdata signatures sign (namespace unittest).
constexpr std::string_view kSignedData = "This is a test, this is only a test";

bool same(const SshSignature& a, const SshSignature& b) {
  return a.key == b.key && a.ns == b.ns && a.hash_alg == b.hash_alg && a.sig_type == b.sig_type &&
         a.signature_blob == b.signature_blob;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto signature = crypto::sshsig_parse(fuzz::as_text(data, size));
  if (!signature) return 0;
  const std::string armored = crypto::sshsig_armor(*signature);
  const auto again = crypto::sshsig_parse(armored);
  FUZZ_CHECK(again && same(*again, *signature));
  FUZZ_CHECK(crypto::sshsig_armor(*again) == armored);

  const crypto::SshsigCheck check = crypto::sshsig_check(*signature, kSignedData, signature->ns);
  FUZZ_CHECK((check.verdict == crypto::SshsigVerdict::valid) == check.problem.empty());
  if (check.verdict == crypto::SshsigVerdict::valid) {
    std::string changed(kSignedData);
    changed.back() = static_cast<char>(changed.back() ^ 1);
    FUZZ_CHECK(!crypto::sshsig_verify(*signature, changed, signature->ns));
    FUZZ_CHECK(signature->ns == "git" || !crypto::sshsig_verify(*signature, kSignedData, "git"));
  }
  (void)crypto::sshsig_check(*signature, kSignedData, "git");
  return 0;
}
