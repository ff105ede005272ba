#include "docket/app/trust.hpp"

#include <chrono>

namespace docket::app {

std::string trust_root_key(const std::string& ref) { return "docket." + ref + ".root"; }

void record_trust_root(store::Repository& repo, const std::string& ref, const store::ObjectId& root) {
  repo.set_local_config(trust_root_key(ref), root.hex);
}

std::optional<store::ObjectId> recorded_trust_root(const store::Repository& repo, const std::string& ref) {
  const auto value = repo.config(trust_root_key(ref));
  if (!value) return std::nullopt;
  return store::ObjectId{*value};
}

std::string verified_tip_key(const std::string& ref) { return "docket." + ref + ".verifiedtip"; }

std::optional<store::ObjectId> recorded_verified_tip(const store::Repository& repo, const std::string& ref) {
  const auto value = repo.config(verified_tip_key(ref));
  if (!value) return std::nullopt;
  return store::ObjectId{*value};
}

bool record_verified_tip(store::Repository& repo, const std::string& ref, const store::ObjectId& tip) noexcept {
  try {
    repo.set_local_config(verified_tip_key(ref), tip.hex);
    return true;
  } catch (...) {
    return false;
  }
}

std::string allowed_signers_header() {
  return "# docket allowed signers: principal, options, key (ssh-keygen(1) ALLOWED SIGNERS).\n"
         "# Changed only by an admin through `docket member`; verify checks each commit against its parent's copy.\n";
}

Timestamp current_time() {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return Timestamp{secs.count()};
}

}  // namespace docket::app
