// The store's allowed_signers file (ssh-keygen's ALLOWED SIGNERS format), read from every
// commit `verify` walks.
// Checks: every refusal is docket::Error; each entry's key writes back and parses as itself; an
// entry of literal principals with no options allows each of them in namespace git, and
// principals_for lists them; the docket-form rules (check_docket_form, check_revocation_change,
// require_key_assignable) answer without throwing anything but a refusal; a line format_line
// writes for any entry reads back as that principal and key; a file in docket's form survives
// being written again line by line.

#include <algorithm>

#include "docket/crypto/allowed_signers.hpp"
#include "docket/crypto/revoked_keys.hpp"
#include "docket/crypto/signer_rules.hpp"
#include "fuzz_support.hpp"

using namespace docket;
using crypto::AllowedSigner;
using crypto::AllowedSigners;

namespace {

bool is_literal(const std::string& principal) { return principal.find_first_of("*?!") == std::string::npos; }

void check_entry(const AllowedSigners& signers, const AllowedSigner& entry) {
  FUZZ_CHECK(entry.line > 0);
  FUZZ_CHECK(!entry.principals.empty());
  FUZZ_CHECK(crypto::parse_openssh_public_key(entry.key.to_openssh()) == entry.key);
  const bool literal = std::all_of(entry.principals.begin(), entry.principals.end(), is_literal);
  if (!entry.cert_authority && literal && entry.namespaces.empty() && !entry.valid_after && !entry.valid_before) {
    const auto listed = signers.principals_for(entry.key);
    for (const std::string& principal : entry.principals) {
      FUZZ_CHECK(signers.allows(principal, entry.key, "git", Timestamp{1'800'000'000}));
      FUZZ_CHECK(std::find(listed.begin(), listed.end(), principal) != listed.end());
    }
  }
  for (const std::string& principal : entry.principals) {
    const auto email = Email::parse(principal);
    if (!email) continue;
    const AllowedSigners line = AllowedSigners::parse(AllowedSigners::format_line(*email, entry.key));
    FUZZ_CHECK(line.entries().size() == 1);
    const AllowedSigner& written = line.entries().front();
    FUZZ_CHECK(written.principals == std::vector<std::string>{email->str()});
    FUZZ_CHECK(written.namespaces == std::vector<std::string>{"git"});
    FUZZ_CHECK(written.key == entry.key && !written.cert_authority && !written.valid_after && !written.valid_before);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto signers = fuzz::accepted([&] { return AllowedSigners::parse(fuzz::as_text(data, size)); });
  if (!signers) return 0;
  std::vector<Email> members;
  for (const AllowedSigner& entry : signers->entries()) {
    check_entry(*signers, entry);
    for (const std::string& principal : entry.principals)
      if (const auto email = Email::parse(principal)) members.push_back(*email);
  }

  const crypto::RevokedKeys revoked;
  const auto findings = crypto::check_docket_form(*signers, members, revoked);
  const crypto::RevocationState state{*signers, revoked, true};
  FUZZ_CHECK(crypto::check_revocation_change(state, state).empty());
  if (!members.empty() && !signers->entries().empty())
    (void)fuzz::accepted([&] {
      crypto::require_key_assignable(*signers, revoked, members.front(), signers->entries().front().key);
      return true;
    });

  // A file in docket's form is one `format_line` per entry: written again, it is the same file.
  if (findings.empty()) {
    std::string text;
    for (const AllowedSigner& entry : signers->entries()) {
      const auto email = Email::parse(entry.principals.front());
      FUZZ_CHECK(entry.principals.size() == 1 && email);
      text += AllowedSigners::format_line(*email, entry.key) + "\n";
    }
    const AllowedSigners again = AllowedSigners::parse(text);
    FUZZ_CHECK(again.entries().size() == signers->entries().size());
    for (std::size_t i = 0; i < again.entries().size(); ++i) {
      FUZZ_CHECK(again.entries()[i].principals == signers->entries()[i].principals);
      FUZZ_CHECK(again.entries()[i].key == signers->entries()[i].key);
    }
  }
  return 0;
}
