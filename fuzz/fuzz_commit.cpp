// Raw git commit objects (`git cat-file commit`): the headers `verify` splits into the signed
// payload, the gpgsig signature and the committer, then checks the signature of.
// Checks: split_signed_commit refuses only with docket::Error; without a signature the payload
// is the whole object; check_commit_signature never throws (its contract: a bad commit is a
// verdict, never an exception); a commit it calls good names the key that signed, is refused
// once its message changes, and is good only for a key allowed_signers allows.

#include "docket/crypto/commit_signature.hpp"
#include "docket/crypto/sshsig.hpp"
#include "fuzz_support.hpp"

using namespace docket;
using crypto::SignatureStatus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw = fuzz::as_text(data, size);
  const auto split = fuzz::accepted([&] { return crypto::split_signed_commit(raw); });
  if (split) {
    FUZZ_CHECK(split->payload.size() <= raw.size());
    if (split->signature.empty()) FUZZ_CHECK(split->payload == raw);
    FUZZ_CHECK(split->committer_time.seconds >= 0);
  }

  // allowed_signers admitting anyone with the key that signed, when a signature parses.
  crypto::AllowedSigners anyone;
  if (split && !split->signature.empty())
    if (const auto signature = crypto::sshsig_parse(split->signature))
      if (auto parsed = fuzz::accepted([&] { return crypto::AllowedSigners::parse("* " + signature->key.to_openssh()); }))
        anyone = std::move(*parsed);

  const crypto::SignatureCheck check = crypto::check_commit_signature(raw, anyone);
  if (!split) FUZZ_CHECK(check.status == SignatureStatus::malformed);
  if (split && split->signature.empty()) FUZZ_CHECK(check.status == SignatureStatus::unsigned_commit);
  FUZZ_CHECK(check.status != SignatureStatus::good || check.key.has_value());
  if (check.status == SignatureStatus::good) {
    FUZZ_CHECK(check.principal == split->committer_email);
    FUZZ_CHECK(crypto::check_commit_signature(std::string(raw) + "x", anyone).status != SignatureStatus::good);
    FUZZ_CHECK(crypto::check_commit_signature(raw, crypto::AllowedSigners{}).status == SignatureStatus::unknown_key);
  }
  return 0;
}
