#pragma once
// Reading key files: the whole file goes into wiped memory, and its content (not its name)
// decides what it is. Every failure is a docket::Error(ExitCode::key) naming the path.

#include <filesystem>
#include <string>
#include <string_view>

#include "docket/crypto/ssh_key.hpp"
#include "openssl_handles.hpp"

namespace docket::crypto::detail {

struct KeyFileContent {
  SecretString bytes;
  // The owner's own file is open to group or others: ssh and ssh-keygen refuse such private keys.
  bool exposed_to_others = false;
};

// Throws when the file is missing, unreadable, a directory or too large to be a key.
KeyFileContent read_key_file(const std::filesystem::path& path);

enum class KeyFileFormat { openssh_private, pem, openssh_public, unknown };
KeyFileFormat detect_key_file_format(std::string_view content);

struct OpenSshPrivateKey {
  SshPublicKey public_key;  // from the public section, which is never encrypted
  bool encrypted = false;
  EvpPkey private_key;      // set for an unencrypted Ed25519, RSA or ECDSA key when requested;
                            // never for a security key (its private key stays in the authenticator)
};

enum class PrivatePart { load, skip };
// Parses an `openssh-key-v1` file (OpenSSH PROTOCOL.key). The private part is only decoded when
// it is unencrypted, of a type docket knows, and `private_part` is `load`; it must then produce
// the file's public key.
OpenSshPrivateKey parse_openssh_private_key(std::string_view content, const std::filesystem::path& path,
                                            PrivatePart private_part);

// Reads an unencrypted PEM private key (PKCS#8, or OpenSSL's traditional RSA/EC forms).
// public_key_of (ssh_algorithms.hpp) then refuses a type SSH cannot sign with.
EvpPkey parse_pem_private_key(std::string_view content, const std::filesystem::path& path);
// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
EvpPkey parse_pem_public_key(std::string_view content, const std::filesystem::path& path);

// The hint given with every "no usable key" error.
inline constexpr std::string_view generate_key_hint =
    "generate one with: ssh-keygen -t ed25519 -f ~/.ssh/docket_ed25519";

}  // namespace docket::crypto::detail
