#include "docket/crypto/ssh_key.hpp"

#include <algorithm>

#include "docket/crypto/base64.hpp"
#include "docket/crypto/sha256.hpp"
#include "ssh_algorithms.hpp"
#include "ssh_wire.hpp"

namespace docket::crypto {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view next_token(std::string_view& text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  std::size_t end = 0;
  while (end < text.size() && !is_blank(text[end])) ++end;
  std::string_view token = text.substr(0, end);
  text.remove_prefix(end);
  return token;
}

// A key type name as OpenSSH writes them: printable ASCII without spaces.
bool is_key_type_name(std::string_view type) {
  return !type.empty() && type.size() <= 64 &&
         std::all_of(type.begin(), type.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

std::string SshPublicKey::to_openssh() const { return type + " " + base64_encode(blob); }

std::string SshPublicKey::fingerprint() const {
  const Sha256Digest digest = sha256(blob);
  const auto& bytes = digest.bytes();
  std::string text = base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  // ssh-keygen -l prints the base64 without its padding.
  while (!text.empty() && text.back() == '=') text.pop_back();
  return "SHA256:" + text;
}

std::string SshPublicKey::ed25519_raw() const {
  if (type != detail::ed25519_key_type) return {};
  detail::SshReader reader(blob);
  reader.string();  // the type, checked when the blob was parsed
  auto key = reader.string();
  if (!key || key->size() != detail::ed25519_public_key_size) return {};
  return std::string(*key);
}

std::string SshPublicKey::label() const {
  const detail::KeyTypeInfo* info = detail::key_type_info(type);
  return info ? std::string(info->label) : std::string();
}

int SshPublicKey::bits() const { return detail::public_key_bits(*this); }

std::optional<std::string> unusable_key_reason(const SshPublicKey& key) {
  std::string problem;
  if (detail::decode_public_key(key, problem)) return std::nullopt;
  return problem;
}

std::optional<SshPublicKey> parse_public_key_blob(std::string_view blob) {
  detail::SshReader reader(blob);
  auto type = reader.string();
  if (!type || !is_key_type_name(*type)) return std::nullopt;
  if (const detail::KeyTypeInfo* info = detail::key_type_info(*type)) {
    if (!detail::well_formed_public_key_fields(*info, reader)) return std::nullopt;
  } else if (reader.empty()) {
    // Other types are kept opaque (docket refuses them), but a bare type is no key.
    return std::nullopt;
  }
  return SshPublicKey{std::string(*type), std::string(blob)};
}

std::optional<SshPublicKey> parse_openssh_public_key(std::string_view line) {
  const std::string_view type = next_token(line);
  const std::string_view encoded = next_token(line);
  if (!is_key_type_name(type) || encoded.empty()) return std::nullopt;
  auto blob = base64_decode(encoded);
  if (!blob) return std::nullopt;
  auto key = parse_public_key_blob(*blob);
  // The type written in front must be the one inside the blob, as OpenSSH requires.
  if (!key || key->type != type) return std::nullopt;
  return key;
}

}  // namespace docket::crypto
