#include "docket/crypto/signer.hpp"

#include <openssl/evp.h>

#include <cstdlib>

#include "docket/core/error.hpp"
#include "docket/crypto/signer_rules.hpp"
#include "docket/crypto/sshsig.hpp"
#include "key_file.hpp"
#include "openssl_handles.hpp"
#include "ssh_algorithms.hpp"
#include "ssh_keygen_signer.hpp"
#include "ssh_wire.hpp"

namespace docket::crypto {

namespace {

// Signs with a key loaded once and held for the signer's lifetime (OpenSSL wipes the key
// material when the EVP_PKEY is freed).
class InProcessSigner final : public Signer {
public:
  InProcessSigner(detail::EvpPkey key, SshPublicKey public_key)
      : key_(std::move(key)), public_key_(std::move(public_key)) {}

  const SshPublicKey& public_key() const override { return public_key_; }

  std::string sign(std::string_view message, std::string_view ns) const override {
    // git signs with SHA-512, as ssh-keygen does by default.
    constexpr std::string_view hash_alg = "sha512";
    const std::string signed_data = sshsig_signed_data(ns, hash_alg, message);
    std::string blob = detail::sign_data(key_.get(), public_key_, signed_data);
    detail::SshReader reader(blob);
    std::string sig_type(reader.string().value_or(""));
    return sshsig_armor(SshSignature{public_key_, std::string(ns), std::string(hash_alg), std::move(sig_type), std::move(blob)});
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


void require_usable(const SshPublicKey& key, const std::string& where) {
  if (const auto reason = unusable_key_reason(key))
    throw Error(ExitCode::key, where + " holds " + *reason, std::string(detail::generate_key_hint));
}

bool is_security_key(const SshPublicKey& key) {
  const detail::KeyTypeInfo* info = detail::key_type_info(key.type);
  return info && (info->algorithm == detail::Algorithm::sk_ed25519 || info->algorithm == detail::Algorithm::sk_ecdsa);
}

// git's `user.signingkey = ~/.ssh/id_ecdsa.pub`: the private key beside it, when it is an
// unencrypted key file docket can sign with in-process and it holds the same key.
std::unique_ptr<Signer> in_process_signer_beside(const std::filesystem::path& public_path, const SshPublicKey& key) {
  const std::string text = public_path.string();
  if (!text.ends_with(".pub")) return nullptr;
  const std::filesystem::path private_path = text.substr(0, text.size() - 4);
  std::error_code error;
  if (!std::filesystem::is_regular_file(private_path, error)) return nullptr;
  try {
    const detail::KeyFileContent file = detail::read_key_file(private_path);
    if (file.exposed_to_others || detail::detect_key_file_format(file.bytes.view()) != detail::KeyFileFormat::openssh_private)
      return nullptr;
    detail::OpenSshPrivateKey found =
        detail::parse_openssh_private_key(file.bytes.view(), private_path, detail::PrivatePart::load);
    if (found.encrypted || !found.private_key || found.public_key != key) return nullptr;
    return std::make_unique<InProcessSigner>(std::move(found.private_key), std::move(found.public_key));
  } catch (const Error&) {
    return nullptr;  // ssh-keygen gets the file and reports on it in its own words
  }
}

void require_private_to_owner(const detail::KeyFileContent& file, const std::filesystem::path& path) {
  // ssh and ssh-keygen refuse such files too: a key others can read proves nothing.
  if (file.exposed_to_others)
    throw Error(ExitCode::key, "private key file " + path.string() + " is accessible by other users",
                "restrict it with: chmod 600 " + path.string());
}

// git's user.signingkey may hold the public key itself: `key::ssh-ed25519 AAAA…` or `ssh-…`.
std::unique_ptr<Signer> load_literal_key(std::string_view literal, const SigningEnvironment& environment) {
  const std::optional<SshPublicKey> key = parse_openssh_public_key(literal);
  if (!key) {
    const std::string shown = literal.size() > 40 ? std::string(literal.substr(0, 40)) + "…" : std::string(literal);
    throw Error(ExitCode::key, "signing key \"" + shown + "\" is not a valid SSH public key",
                "give a key file path, or the whole line of a .pub file (ssh-ed25519 AAAA…)");
  }
  require_usable(*key, "signing key " + key->fingerprint());
  return detail::make_ssh_agent_signer(*key, environment);
}

}  // namespace

std::unique_ptr<Signer> load_signer(const std::string& spec, const SigningEnvironment& environment) {
  std::string_view text = trim(spec);
  if (text.empty())
    throw Error(ExitCode::key, "no signing key is configured",
                "pass --key, set DOCKET_SIGNING_KEY, or set git config user.signingkey (with gpg.format=ssh); or " +
                    std::string(detail::generate_key_hint));
  if (text.starts_with("key::")) return load_literal_key(text.substr(5), environment);
  // git also takes `ssh-… AAAA…` without `key::`; docket takes any public key line
  // (`ecdsa-sha2-nistp256 AAAA…` too), since no key file's path reads like one.
  if (text.starts_with("ssh-") || parse_openssh_public_key(text)) return load_literal_key(text, environment);

  // `~/…` was already expanded by the caller (app::signing_key_spec), which owns the environment.
  const std::filesystem::path path(text);
  const detail::KeyFileContent file = detail::read_key_file(path);
  const std::string_view content = file.bytes.view();
  switch (detail::detect_key_file_format(content)) {
    case detail::KeyFileFormat::openssh_private: {
      require_private_to_owner(file, path);
      detail::OpenSshPrivateKey key = detail::parse_openssh_private_key(content, path, detail::PrivatePart::load);
      require_usable(key.public_key, "key file " + path.string());
      // Only ssh-keygen can ask for the passphrase of an encrypted key, and only the
      // authenticator can sign with a security key.
      if (key.encrypted)
        return detail::make_ssh_keygen_signer(path, detail::KeyFileHolds::encrypted_private_key,
                                              std::move(key.public_key), environment);
      if (is_security_key(key.public_key))
        return detail::make_ssh_keygen_signer(path, detail::KeyFileHolds::security_key, std::move(key.public_key),
                                              environment);
      return std::make_unique<InProcessSigner>(std::move(key.private_key), std::move(key.public_key));
    }
    case detail::KeyFileFormat::pem: {
      require_private_to_owner(file, path);
      detail::EvpPkey key = detail::parse_pem_private_key(content, path);
      SshPublicKey public_key = detail::public_key_of(key.get(), path.string());
      require_usable(public_key, "key file " + path.string());
      return std::make_unique<InProcessSigner>(std::move(key), std::move(public_key));
    }
    case detail::KeyFileFormat::openssh_public: {
      // As with git, a public key file means: the private half is in the file beside it without
      // `.pub` (docket signs in-process when it is unencrypted) or in ssh-agent.
      SshPublicKey key = *parse_openssh_public_key(content);
      require_usable(key, "key file " + path.string());
      if (auto beside = in_process_signer_beside(path, key)) return beside;
      return detail::make_ssh_keygen_signer(path, detail::KeyFileHolds::public_key, std::move(key), environment);
    }
    case detail::KeyFileFormat::unknown: break;
  }
  throw Error(ExitCode::key, "key file " + path.string() + " is not an OpenSSH or PEM key",
              "give the path of a private key (or its .pub); " + std::string(detail::generate_key_hint));
}

SshPublicKey load_public_key(const std::filesystem::path& path) {
  detail::KeyFileContent file;
  try {
    file = detail::read_key_file(path);
  } catch (const Error& error) {
    // The file is someone's public key, not the caller's own signing key: say so in the hint.
    throw Error(error.code(), error.what(), "give the path of the OpenSSH public key (the .pub file, ssh-ed25519 AAAA…)");
  }
  const std::string_view content = file.bytes.view();
  // A key docket refuses is the same refusal whatever the file's format: rule key-unusable.
  const auto unusable = [&](const std::string& reason) {
    return RuleViolation(std::string(kKeyUnusable), "the key in " + path.string() + " is " + reason,
                         "ask for an Ed25519 key (ssh-keygen -t ed25519), or an RSA (3072 bits) or ECDSA key; docket(1) "
                         "KEYS lists what it accepts");
  };
  switch (detail::detect_key_file_format(content)) {
    case detail::KeyFileFormat::openssh_private:
      return detail::parse_openssh_private_key(content, path, detail::PrivatePart::skip).public_key;
    case detail::KeyFileFormat::pem: {
      const bool is_public = trim(content).starts_with("-----BEGIN PUBLIC KEY-----");
      const detail::EvpPkey key =
          is_public ? detail::parse_pem_public_key(content, path) : detail::parse_pem_private_key(content, path);
      try {
        return detail::public_key_of(key.get(), path.string());
      } catch (const Error& error) {
        const char* type_name = EVP_PKEY_get0_type_name(key.get());
        throw unusable(std::string("a ") + (type_name ? type_name : "non-SSH") +
                       " key, a type SSH does not sign with");
      }
    }
    case detail::KeyFileFormat::openssh_public: return *parse_openssh_public_key(content);
    case detail::KeyFileFormat::unknown: break;
  }
  // `TYPE BASE64` whose fields do not fit the type (a compressed ECDSA point, another curve,
  // trailing bytes): say so rather than "not a key".
  const std::string_view line = trim(content).substr(0, trim(content).find('\n'));
  const std::string_view type = line.substr(0, line.find(' '));
  if (detail::key_type_info(type)) throw unusable("a malformed " + std::string(type) + " key (its fields do not fit the type)");
  throw Error(ExitCode::key, "key file " + path.string() + " is not an OpenSSH or PEM key",
              "give a .pub file, an OpenSSH private key or a PEM key");
}

std::string default_signing_key(const std::string& command, const SigningEnvironment& environment) {
  return detail::run_default_key_command(command, environment);
}

}  // namespace docket::crypto
