#include "docket/crypto/revoked_keys.hpp"

#include <algorithm>

#include "docket/core/error.hpp"

namespace docket::crypto {

RevokedKeys RevokedKeys::parse(std::string_view text, std::string_view source) {
  RevokedKeys revoked;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto key = parse_openssh_public_key(line);
    if (!key)
      throw Error(ExitCode::usage, std::string(source) + ":" + std::to_string(line_number) + ": not an OpenSSH public key",
                  "each line reads: ssh-ed25519 AAAA… [comment], as in a *.pub file");
    revoked.keys_.push_back(std::move(*key));
    // The comment is what follows the type and the base64 text.
    std::string_view rest = line;
    for (int field = 0; field < 2; ++field) {
      rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
      rest.remove_prefix(std::min(rest.size(), rest.find_first_of(" \t")));
    }
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
    while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    revoked.comments_.emplace_back(rest);
  }
  return revoked;
}

bool RevokedKeys::contains(const SshPublicKey& key) const {
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

std::string RevokedKeys::comment_of(const SshPublicKey& key) const {
  const auto it = std::find(keys_.begin(), keys_.end(), key);
  return it == keys_.end() ? std::string() : comments_[static_cast<std::size_t>(it - keys_.begin())];
}

std::string RevokedKeys::format_line(const SshPublicKey& key, const Email& former_holder) {
  return key.to_openssh() + " " + former_holder.str();
}

std::string RevokedKeys::header() {
  return "# docket revoked keys: keys removed from allowed_signers, which may never sign again.\n"
         "# Append-only; stock git reads it as gpg.ssh.revocationFile (ssh-keygen -Y verify -r).\n";
}

}  // namespace docket::crypto
