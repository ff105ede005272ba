#pragma once
// The SSH public key algorithms docket signs and verifies with, mapped onto OpenSSL 3 keys:
//   ssh-ed25519                          RFC 8709
//   ssh-rsa keys, rsa-sha2-512/-256 sigs RFC 4253 §6.6 (key), RFC 8332 (signatures)
//   ecdsa-sha2-nistp256/384/521          RFC 5656 §3.1 (key), §3.1.2 (signature)
//   sk-ssh-ed25519@openssh.com           OpenSSH PROTOCOL.u2f ("SSH U2F signatures")
//   sk-ecdsa-sha2-nistp256@openssh.com   OpenSSH PROTOCOL.u2f
// Everything here is internal to the crypto layer; ssh_key.hpp, sshsig.hpp and signer.hpp are
// the public faces.

#include <optional>
#include <string>
#include <string_view>

#include "docket/crypto/ssh_key.hpp"
#include "openssl_handles.hpp"
#include "ssh_wire.hpp"

namespace docket::crypto::detail {

enum class Algorithm { ed25519, rsa, ecdsa, sk_ed25519, sk_ecdsa };

struct KeyTypeInfo {
  std::string_view name;      // the OpenSSH key type name, e.g. "ecdsa-sha2-nistp256"
  Algorithm algorithm;
  std::string_view curve;     // the SSH curve name ("nistp256") of ECDSA types; "" otherwise
  const char* group;          // the OpenSSL group name ("P-256") of ECDSA types; nullptr otherwise
  std::size_t field_bytes;    // ECDSA: the size of one coordinate (32, 48, 66); Ed25519: 32
  std::string_view label;     // as ssh-keygen -l names the type: "ED25519", "RSA", "ECDSA-SK" …
};

// The type docket knows by that name, or nullptr.
const KeyTypeInfo* key_type_info(std::string_view name) noexcept;

// The fewest and most RSA modulus bits docket accepts. 2048 is NIST SP 800-131A Rev. 2's
// floor for RSA signatures; 16384 is OpenSSH's ceiling (SSHBUF_MAX_BIGNUM).
inline constexpr int rsa_min_bits = 2048;
inline constexpr int rsa_max_bits = 16384;

// A public key decoded into OpenSSL, with what the SSH blob adds around it.
struct DecodedPublicKey {
  const KeyTypeInfo* info = nullptr;
  EvpPkey key;
  std::string application;  // security keys: the FIDO application ("ssh:" by default)
  int bits = 0;             // RSA modulus bits, curve bits, 256 for Ed25519
};

// Decodes `key` and checks everything docket requires before trusting it: a known type, every
// field present and nothing after them, an ECDSA point on its curve (uncompressed), RSA within
// [rsa_min_bits, rsa_max_bits] with an odd public exponent. On failure returns nullopt and sets
// `problem` to one sentence saying why ("a 1024-bit RSA key; docket needs 2048 bits or more").
std::optional<DecodedPublicKey> decode_public_key(const SshPublicKey& key, std::string& problem);

// The size ssh-keygen -l prints (RSA modulus bits, curve bits, 256 for Ed25519), read from the
// blob's fields alone; 0 for an unknown type or malformed fields.
int public_key_bits(const SshPublicKey& key) noexcept;

// True when the blob after its type string holds exactly the fields of `info`'s type. A cheap
// structural check (no OpenSSL), used when parsing allowed_signers and SSHSIG blobs.
bool well_formed_public_key_fields(const KeyTypeInfo& info, SshReader fields) noexcept;

enum class SignatureVerdict { valid, invalid, unusable };
struct SignatureCheck {
  SignatureVerdict verdict = SignatureVerdict::unusable;
  std::string problem;  // for invalid and unusable: one sentence
};

// OpenSSH's sshkey_verify for the types above: `signature_blob` is string(signature type)
// string(signature) [byte flags, uint32 counter for security keys; then string origin, string
// clientData, string extensions for webauthn-sk-ecdsa-sha2-nistp256@openssh.com] and `data`
// is what was signed. `invalid`: the signature does not verify, or a security key's signature lacks the
// user-presence flag. `unusable`: the key is one docket refuses (see decode_public_key), the
// blob is malformed, or the signature type does not belong to the key or is the SHA-1
// `ssh-rsa` that OpenSSH refuses.
SignatureCheck verify_signature(const SshPublicKey& key, std::string_view signature_blob, std::string_view data);

// Signs `data` with `key` (an Ed25519, RSA or ECDSA private key whose public half is
// `public_key`) as OpenSSH's sshkey_sign does: RSA as rsa-sha2-512, ECDSA with its curve's hash.
// Returns the signature blob. Throws docket::Error (ExitCode::key) when OpenSSL fails.
std::string sign_data(EVP_PKEY* key, const SshPublicKey& public_key, std::string_view data);

// The OpenSSH form of the public half of an Ed25519, RSA or ECDSA (P-256/384/521) key.
// Throws docket::Error (ExitCode::key) naming `where` for any other key.
SshPublicKey public_key_of(EVP_PKEY* key, const std::string& where);

// Whether the private and public halves of `key` belong together (EVP_PKEY_pairwise_check).
// Key files state both halves; a file whose halves differ would sign with one and claim the
// other, so every commit it signed would fail verification.
bool key_pair_matches(EVP_PKEY* key);

// Reads the private fields of one openssh-key-v1 private section entry of type `info`
// (after the type string, up to the comment) into an OpenSSL key pair. Security keys have no
// private key docket can use: nullptr with `problem` empty. Malformed fields: nullptr and
// `problem` set.
EvpPkey openssh_private_key(const KeyTypeInfo& info, SshReader& section, std::string& problem);

}  // namespace docket::crypto::detail
