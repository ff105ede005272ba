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
  EvpPkey private_key;      // set for an unencrypted Ed25519 key when requested
};

enum class PrivatePart { load, skip };
// Parses an `openssh-key-v1` file. The private part is only decoded when it is unencrypted,
// Ed25519 and `private_part` is `load`.
OpenSshPrivateKey parse_openssh_private_key(std::string_view content, const std::filesystem::path& path,
                                            PrivatePart private_part);

// Reads an unencrypted PKCS#8 PEM private key and checks that it is Ed25519.
EvpPkey parse_pem_private_key(std::string_view content, const std::filesystem::path& path);
// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) and checks that it is Ed25519.
EvpPkey parse_pem_public_key(std::string_view content, const std::filesystem::path& path);

// The OpenSSH form of an Ed25519 EVP_PKEY's public half.
SshPublicKey ed25519_public_key_of(EVP_PKEY* key, const std::filesystem::path& path);

// The hint given with every "no usable key" error.
inline constexpr std::string_view generate_key_hint =
    "generate one with: ssh-keygen -t ed25519 -f ~/.ssh/docket_ed25519";

}  // namespace docket::crypto::detail
