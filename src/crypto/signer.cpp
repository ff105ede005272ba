#include "docket/crypto/signer.hpp"

#include <openssl/evp.h>

#include <cstdlib>

#include "docket/core/error.hpp"
#include "docket/crypto/sshsig.hpp"
#include "key_file.hpp"
#include "openssl_handles.hpp"
#include "ssh_keygen_signer.hpp"
#include "ssh_wire.hpp"

namespace docket::crypto {

namespace {

// Signs with an Ed25519 key loaded once and held for the signer's lifetime (OpenSSL wipes the
// key material when the EVP_PKEY is freed).
class InProcessSigner final : public Signer {
public:
  InProcessSigner(detail::EvpPkey key, SshPublicKey public_key)
      : key_(std::move(key)), public_key_(std::move(public_key)) {}

  const SshPublicKey& public_key() const override { return public_key_; }

  std::string sign(std::string_view message, std::string_view ns) const override {
    // git signs with SHA-512, as ssh-keygen does by default.
    constexpr std::string_view hash_alg = "sha512";
    const std::string signed_data = sshsig_signed_data(ns, hash_alg, message);
    const detail::EvpMdCtx context(EVP_MD_CTX_new());
    if (!context) detail::throw_openssl_error(ExitCode::internal, "cannot allocate a signing context");
    std::string signature(detail::ed25519_signature_size, '\0');
    std::size_t size = signature.size();
    if (EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), detail::as_uchars(signature), &size, detail::as_uchars(signed_data),
                       signed_data.size()) != 1 ||
        size != detail::ed25519_signature_size)
      detail::throw_openssl_error(ExitCode::key, "signing with Ed25519 key " + public_key_.fingerprint() + " failed");
    return sshsig_armor(SshSignature{public_key_, std::string(ns), std::string(hash_alg),
                                     std::string(detail::ed25519_key_type), std::move(signature)});
  }

private:
  detail::EvpPkey key_;
  SshPublicKey public_key_;
};

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}


void require_ed25519(const SshPublicKey& key, const std::string& where) {
  if (key.type != detail::ed25519_key_type)
    throw Error(ExitCode::key, where + " is a " + key.type + " key; docket signs with Ed25519 keys only",
                std::string(detail::generate_key_hint));
}

void require_private_to_owner(const detail::KeyFileContent& file, const std::filesystem::path& path) {
  // ssh and ssh-keygen refuse such files too: a key others can read proves nothing.
  if (file.exposed_to_others)
    throw Error(ExitCode::key, "private key file " + path.string() + " is accessible by other users",
                "restrict it with: chmod 600 " + path.string());
}

// git's user.signingkey may hold the public key itself: `key::ssh-ed25519 AAAA…` or `ssh-…`.
std::unique_ptr<Signer> load_literal_key(std::string_view literal) {
  const std::optional<SshPublicKey> key = parse_openssh_public_key(literal);
  if (!key) {
    const std::string shown = literal.size() > 40 ? std::string(literal.substr(0, 40)) + "…" : std::string(literal);
    throw Error(ExitCode::key, "signing key \"" + shown + "\" is not a valid SSH public key",
                "give a key file path, or the whole line of a .pub file (ssh-ed25519 AAAA…)");
  }
  require_ed25519(*key, "signing key " + key->fingerprint());
  return detail::make_ssh_agent_signer(*key);
}

}  // namespace

std::unique_ptr<Signer> load_signer(const std::string& spec) {
  std::string_view text = trim(spec);
  if (text.empty())
    throw Error(ExitCode::key, "no signing key is configured",
                "pass --key, set DOCKET_SIGNING_KEY, or set git config user.signingkey (with gpg.format=ssh); or " +
                    std::string(detail::generate_key_hint));
  if (text.starts_with("key::")) return load_literal_key(text.substr(5));
  if (text.starts_with("ssh-")) return load_literal_key(text);

  // `~/…` was already expanded by the caller (app::signing_key_spec), which owns the environment.
  const std::filesystem::path path(text);
  const detail::KeyFileContent file = detail::read_key_file(path);
  const std::string_view content = file.bytes.view();
  switch (detail::detect_key_file_format(content)) {
    case detail::KeyFileFormat::openssh_private: {
      require_private_to_owner(file, path);
      detail::OpenSshPrivateKey key = detail::parse_openssh_private_key(content, path, detail::PrivatePart::load);
      require_ed25519(key.public_key, "key file " + path.string());
      // Only ssh-keygen can ask for the passphrase of an encrypted key.
      if (key.encrypted)
        return detail::make_ssh_keygen_signer(path, detail::KeyFileHolds::encrypted_private_key,
                                              std::move(key.public_key));
      return std::make_unique<InProcessSigner>(std::move(key.private_key), std::move(key.public_key));
    }
    case detail::KeyFileFormat::pem: {
      require_private_to_owner(file, path);
      detail::EvpPkey key = detail::parse_pem_private_key(content, path);
      SshPublicKey public_key = detail::ed25519_public_key_of(key.get(), path);
      return std::make_unique<InProcessSigner>(std::move(key), std::move(public_key));
    }
    case detail::KeyFileFormat::openssh_public: {
      // As with git, a public key file means: let ssh-keygen find the private half, in
      // ssh-agent or in the file beside it without `.pub`.
      SshPublicKey key = *parse_openssh_public_key(content);
      require_ed25519(key, "key file " + path.string());
      return detail::make_ssh_keygen_signer(path, detail::KeyFileHolds::public_key, std::move(key));
    }
    case detail::KeyFileFormat::unknown: break;
  }
  throw Error(ExitCode::key, "key file " + path.string() + " is not an OpenSSH or PEM key",
              "give the path of a private key (or its .pub); " + std::string(detail::generate_key_hint));
}

SshPublicKey load_public_key(const std::filesystem::path& path) {
  const detail::KeyFileContent file = detail::read_key_file(path);
  const std::string_view content = file.bytes.view();
  switch (detail::detect_key_file_format(content)) {
    case detail::KeyFileFormat::openssh_private:
      return detail::parse_openssh_private_key(content, path, detail::PrivatePart::skip).public_key;
    case detail::KeyFileFormat::pem: {
      const bool is_public = trim(content).starts_with("-----BEGIN PUBLIC KEY-----");
      const detail::EvpPkey key =
          is_public ? detail::parse_pem_public_key(content, path) : detail::parse_pem_private_key(content, path);
      return detail::ed25519_public_key_of(key.get(), path);
    }
    case detail::KeyFileFormat::openssh_public: return *parse_openssh_public_key(content);
    case detail::KeyFileFormat::unknown: break;
  }
  throw Error(ExitCode::key, "key file " + path.string() + " is not an OpenSSH or PEM key",
              "give a .pub file, an OpenSSH private key or a PEM key");
}

}  // namespace docket::crypto
