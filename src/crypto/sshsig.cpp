#include "docket/crypto/sshsig.hpp"

#include <openssl/evp.h>

#include "docket/core/error.hpp"
#include "docket/crypto/base64.hpp"
#include "openssl_handles.hpp"
#include "ssh_algorithms.hpp"
#include "ssh_wire.hpp"

namespace docket::crypto {

namespace {

constexpr std::string_view magic = "SSHSIG";
constexpr std::uint32_t sshsig_version = 1;
constexpr std::string_view armor_begin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view armor_end = "-----END SSH SIGNATURE-----";
// ssh-keygen wraps the armored base64 at 70 columns; matching it keeps signatures byte-identical.
constexpr std::size_t armor_columns = 70;

const EVP_MD* message_digest_for(std::string_view hash_alg) {
  if (hash_alg == "sha512") return EVP_sha512();
  if (hash_alg == "sha256") return EVP_sha256();
  return nullptr;
}

std::string digest_of(const EVP_MD* md, std::string_view message) {
  std::string digest(static_cast<std::size_t>(EVP_MAX_MD_SIZE), '\0');
  unsigned int size = 0;
  if (EVP_Digest(message.data(), message.size(), detail::as_uchars(digest), &size, md, nullptr) != 1)
    detail::throw_openssl_error(ExitCode::internal, "hashing the message to sign failed");
  digest.resize(size);
  return digest;
}

// Splits off one line ("\n"-terminated, "\r\n" tolerated) from `text`.
std::string_view take_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string sshsig_signed_data(std::string_view ns, std::string_view hash_alg, std::string_view message) {
  const EVP_MD* md = message_digest_for(hash_alg);
  if (!md) throw Error(ExitCode::internal, "SSHSIG hash algorithm \"" + std::string(hash_alg) + "\" is not sha256 or sha512");
  detail::SshWriter data;
  data.raw(magic);
  data.string(ns);
  data.string("");  // reserved
  data.string(hash_alg);
  data.string(digest_of(md, message));
  return std::move(data).take();
}

std::string sshsig_armor(const SshSignature& sig) {
  detail::SshWriter blob;
  blob.raw(magic);
  blob.u32(sshsig_version);
  blob.string(sig.key.blob);
  blob.string(sig.ns);
  blob.string("");  // reserved
  blob.string(sig.hash_alg);
  blob.string(sig.signature_blob);

  const std::string encoded = base64_encode(std::move(blob).take());
  std::string armored;
  armored.reserve(encoded.size() + encoded.size() / armor_columns + armor_begin.size() + armor_end.size() + 4);
  armored.append(armor_begin).push_back('\n');
  for (std::size_t offset = 0; offset < encoded.size(); offset += armor_columns)
    armored.append(encoded, offset, armor_columns).push_back('\n');
  armored.append(armor_end).push_back('\n');
  return armored;
}

std::optional<SshSignature> sshsig_parse(std::string_view armored) {
  std::string_view text = armored;
  if (take_line(text) != armor_begin) return std::nullopt;
  std::string encoded;
  bool saw_end = false;
  while (!text.empty()) {
    const std::string_view line = take_line(text);
    if (line == armor_end) {
      saw_end = true;
      break;
    }
    encoded.append(line);
  }
  // Nothing but line breaks may follow the end marker.
  if (!saw_end || text.find_first_not_of("\r\n") != std::string_view::npos) return std::nullopt;

  const auto blob = base64_decode(encoded);
  if (!blob) return std::nullopt;
  detail::SshReader reader(*blob);
  if (reader.raw(magic.size()) != magic || reader.u32() != sshsig_version) return std::nullopt;
  const auto key_blob = reader.string();
  const auto ns = reader.string();
  const auto reserved = reader.string();
  const auto hash_alg = reader.string();
  const auto signature_blob = reader.string();
  if (!key_blob || !ns || !reserved || !hash_alg || !signature_blob || !reader.empty()) return std::nullopt;
  if (!message_digest_for(*hash_alg)) return std::nullopt;
  auto key = parse_public_key_blob(*key_blob);
  if (!key) return std::nullopt;

  detail::SshReader signature_reader(*signature_blob);
  const auto sig_type = signature_reader.string();
  if (!sig_type || !signature_reader.string()) return std::nullopt;

  return SshSignature{std::move(*key), std::string(*ns), std::string(*hash_alg), std::string(*sig_type),
                      std::string(*signature_blob)};
}

SshsigCheck sshsig_check(const SshSignature& sig, std::string_view message, std::string_view ns) {
  // The namespace inside the signature must be the one the caller expects: a signature made for
  // `file` must not pass as a commit signature.
  if (sig.ns != ns)
    return {SshsigVerdict::invalid, "the signature is for namespace \"" + sig.ns + "\", not \"" + std::string(ns) + "\""};
  if (!message_digest_for(sig.hash_alg))
    return {SshsigVerdict::unusable, "the signature hashes with " + sig.hash_alg + ", not sha256 or sha512"};
  const detail::SignatureCheck check =
      detail::verify_signature(sig.key, sig.signature_blob, sshsig_signed_data(ns, sig.hash_alg, message));
  switch (check.verdict) {
    case detail::SignatureVerdict::valid: return {SshsigVerdict::valid, {}};
    case detail::SignatureVerdict::invalid: return {SshsigVerdict::invalid, check.problem};
    case detail::SignatureVerdict::unusable: break;
  }
  return {SshsigVerdict::unusable, check.problem};
}

bool sshsig_verify(const SshSignature& sig, std::string_view message, std::string_view ns) {
  return sshsig_check(sig, message, ns).verdict == SshsigVerdict::valid;
}

}  // namespace docket::crypto
