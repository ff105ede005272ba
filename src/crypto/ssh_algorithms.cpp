#include "ssh_algorithms.hpp"

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include <array>
#include <climits>

#include "docket/crypto/base64.hpp"
#include "docket/crypto/sha256.hpp"

namespace docket::crypto::detail {

namespace {

constexpr std::array<KeyTypeInfo, 7> key_types{{
    {"ssh-ed25519", Algorithm::ed25519, "", nullptr, 32, "ED25519"},
    {"ssh-rsa", Algorithm::rsa, "", nullptr, 0, "RSA"},
    {"ecdsa-sha2-nistp256", Algorithm::ecdsa, "nistp256", "P-256", 32, "ECDSA"},
    {"ecdsa-sha2-nistp384", Algorithm::ecdsa, "nistp384", "P-384", 48, "ECDSA"},
    {"ecdsa-sha2-nistp521", Algorithm::ecdsa, "nistp521", "P-521", 66, "ECDSA"},
    {"sk-ssh-ed25519@openssh.com", Algorithm::sk_ed25519, "", nullptr, 32, "ED25519-SK"},
    {"sk-ecdsa-sha2-nistp256@openssh.com", Algorithm::sk_ecdsa, "nistp256", "P-256", 32, "ECDSA-SK"},
}};

constexpr std::string_view webauthn_sig_type = "webauthn-sk-ecdsa-sha2-nistp256@openssh.com";
// PROTOCOL.u2f: the authenticator's "user presence" flag.
constexpr unsigned char sk_user_presence = 0x01;
// OpenSSH reads at most 16384-bit numbers (SSHBUF_MAX_BIGNUM), plus a sign byte.
constexpr std::size_t max_mpint_bytes = rsa_max_bits / 8 + 1;

bool is_ecdsa(const KeyTypeInfo& info) { return info.algorithm == Algorithm::ecdsa || info.algorithm == Algorithm::sk_ecdsa; }
bool is_security_key(const KeyTypeInfo& info) {
  return info.algorithm == Algorithm::sk_ed25519 || info.algorithm == Algorithm::sk_ecdsa;
}
std::size_t point_size(const KeyTypeInfo& info) { return 1 + 2 * info.field_bytes; }

const EVP_MD* ecdsa_digest(const KeyTypeInfo& info) {
  // RFC 5656 §6.2.1: the hash follows the curve size.
  if (info.field_bytes <= 32) return EVP_sha256();
  if (info.field_bytes <= 48) return EVP_sha384();
  return EVP_sha512();
}

// RFC 4251 §5 mpint, as the RFC says it MUST be written: positive numbers only, and no
// unnecessary leading zero byte. (OpenSSH strips such bytes, which would let one key, or one
// ECDSA signature, have several spellings: different bytes, fingerprints and commit ids.)
bool canonical_positive_mpint(std::string_view bytes) {
  if (bytes.empty()) return true;  // zero
  const auto first = static_cast<unsigned char>(bytes[0]);
  if ((first & 0x80U) != 0) return false;  // negative
  return first != 0 || (bytes.size() > 1 && (static_cast<unsigned char>(bytes[1]) & 0x80U) != 0);
}

Bignum read_mpint(SshReader& reader) {
  const auto bytes = reader.string();
  if (!bytes || bytes->size() > max_mpint_bytes || !canonical_positive_mpint(*bytes)) return nullptr;
  return Bignum(BN_bin2bn(as_uchars(*bytes), static_cast<int>(bytes->size()), nullptr));
}

void write_mpint(SshWriter& writer, const BIGNUM* number) {
  SecretString bytes(std::string(static_cast<std::size_t>(BN_num_bytes(number)) + 1, '\0'));
  std::string& buffer = bytes.mutable_bytes();
  BN_bn2bin(number, as_uchars(buffer) + 1);
  // A leading zero byte only when the top bit is set, so the number stays positive.
  const bool needs_sign_byte = buffer.size() > 1 && (static_cast<unsigned char>(buffer[1]) & 0x80U) != 0;
  writer.string(std::string_view(buffer).substr(needs_sign_byte ? 0 : 1));
}

// Bit length of an mpint's magnitude, without OpenSSL.
int mpint_bits(std::string_view bytes) {
  while (!bytes.empty() && bytes.front() == '\0') bytes.remove_prefix(1);
  if (bytes.empty()) return 0;
  int bits = static_cast<int>(bytes.size() - 1) * 8;
  for (unsigned top = static_cast<unsigned char>(bytes.front()); top != 0; top >>= 1) ++bits;
  return bits;
}

std::string sha256_bytes(std::string_view data) {
  const auto digest = sha256(data).bytes();
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

EvpPkey key_from_params(const char* type_name, int selection, const OSSL_PARAM* params) {
  EvpPkeyCtx context(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &raw, selection, const_cast<OSSL_PARAM*>(params)) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return EvpPkey(raw);
}

// A full public-key check (RFC 5656 §3.1: the point is on the curve and not at infinity).
bool public_key_checks(EVP_PKEY* key) {
  EvpPkeyCtx context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  const bool ok = context && EVP_PKEY_public_check(context.get()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

EvpPkey ec_key(const KeyTypeInfo& info, std::string_view point, const BIGNUM* private_scalar) {
  if (point.size() != point_size(info) || point.front() != '\x04') return nullptr;
  ParamBld build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, info.group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      (private_scalar && OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_scalar) != 1))
    throw_openssl_error(ExitCode::internal, "cannot prepare an ECDSA key");
  const Params params(OSSL_PARAM_BLD_to_param(build.get()));
  if (!params) throw_openssl_error(ExitCode::internal, "cannot prepare an ECDSA key");
  EvpPkey key = key_from_params("EC", private_scalar ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get());
  if (key && !public_key_checks(key.get())) return nullptr;
  return key;
}

EvpPkey ed25519_key(std::string_view raw_public) {
  if (raw_public.size() != ed25519_public_key_size) return nullptr;
  EvpPkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, as_uchars(raw_public), raw_public.size()));
  if (!key) ERR_clear_error();
  return key;
}

struct RsaNumbers {
  Bignum n, e, d, p, q, iqmp;
};

EvpPkey rsa_key(const RsaNumbers& numbers) {
  ParamBld build(OSSL_PARAM_BLD_new());
  const bool is_private = numbers.d != nullptr;
  Bignum dmp1, dmq1;
  if (is_private) {
    // OpenSSH stores d, p, q and iqmp; the CRT exponents d mod (p-1) and d mod (q-1) follow.
    struct CtxDeleter {
      void operator()(BN_CTX* c) const noexcept { BN_CTX_free(c); }
    };
    std::unique_ptr<BN_CTX, CtxDeleter> context(BN_CTX_secure_new());
    Bignum p1(BN_dup(numbers.p.get())), q1(BN_dup(numbers.q.get()));
    dmp1.reset(BN_secure_new());
    dmq1.reset(BN_secure_new());
    if (!context || !p1 || !q1 || !dmp1 || !dmq1 || BN_sub_word(p1.get(), 1) != 1 || BN_sub_word(q1.get(), 1) != 1 ||
        BN_mod(dmp1.get(), numbers.d.get(), p1.get(), context.get()) != 1 ||
        BN_mod(dmq1.get(), numbers.d.get(), q1.get(), context.get()) != 1)
      throw_openssl_error(ExitCode::internal, "cannot prepare an RSA key");
  }
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, numbers.n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, numbers.e.get()) != 1 ||
      (is_private && (OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_D, numbers.d.get()) != 1 ||
                      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, numbers.p.get()) != 1 ||
                      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, numbers.q.get()) != 1 ||
                      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) != 1 ||
                      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) != 1 ||
                      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, numbers.iqmp.get()) != 1)))
    throw_openssl_error(ExitCode::internal, "cannot prepare an RSA key");
  const Params params(OSSL_PARAM_BLD_to_param(build.get()));
  if (!params) throw_openssl_error(ExitCode::internal, "cannot prepare an RSA key");
  return key_from_params("RSA", is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get());
}

// DER ECDSA-Sig-Value (what OpenSSL speaks) from SSH's mpint r, mpint s (RFC 5656 §3.1.2).
std::optional<std::string> ecdsa_der_from_ssh(std::string_view ssh_signature) {
  SshReader reader(ssh_signature);
  Bignum r = read_mpint(reader), s = read_mpint(reader);
  if (!r || !s || !reader.empty()) return std::nullopt;
  EcdsaSig sig(ECDSA_SIG_new());
  if (!sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // owned by sig now
  s.release();
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(size), '\0');
  unsigned char* out = as_uchars(der);
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

std::string ecdsa_ssh_from_der(std::string_view der) {
  const unsigned char* in = as_uchars(der);
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig) throw_openssl_error(ExitCode::internal, "OpenSSL returned an unreadable ECDSA signature");
  SshWriter writer;
  write_mpint(writer, ECDSA_SIG_get0_r(sig.get()));
  write_mpint(writer, ECDSA_SIG_get0_s(sig.get()));
  return std::move(writer).take();
}

bool digest_verify(EVP_PKEY* key, const EVP_MD* md, std::string_view signature, std::string_view data,
                   bool rsa_pkcs1 = false) {
  EvpMdCtx context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  const bool valid =
      context && EVP_DigestVerifyInit(context.get(), &key_context, md, nullptr, key) == 1 &&
      (!rsa_pkcs1 || EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1) &&
      EVP_DigestVerify(context.get(), as_uchars(signature), signature.size(), as_uchars(data), data.size()) == 1;
  // A failed verification leaves entries in the error queue; clear them so they do not show up
  // in the text of some later, unrelated error.
  if (!valid) ERR_clear_error();
  return valid;
}

SignatureCheck unusable(std::string problem) { return {SignatureVerdict::unusable, std::move(problem)}; }
SignatureCheck verdict(bool valid, std::string_view what) {
  if (valid) return {SignatureVerdict::valid, {}};
  return {SignatureVerdict::invalid, "the " + std::string(what) + " signature does not match the signed data and key"};
}

}  // namespace

const KeyTypeInfo* key_type_info(std::string_view name) noexcept {
  for (const auto& info : key_types)
    if (info.name == name) return &info;
  return nullptr;
}

int public_key_bits(const SshPublicKey& key) noexcept {
  const KeyTypeInfo* info = key_type_info(key.type);
  SshReader reader(key.blob);
  reader.string();
  if (!info || !well_formed_public_key_fields(*info, reader)) return 0;
  switch (info->algorithm) {
    case Algorithm::rsa:
      reader.string();  // e
      return mpint_bits(*reader.string());
    case Algorithm::ecdsa:
    case Algorithm::sk_ecdsa: return info->field_bytes == 66 ? 521 : static_cast<int>(info->field_bytes * 8);
    case Algorithm::ed25519:
    case Algorithm::sk_ed25519: return 256;
  }
  return 0;
}

bool well_formed_public_key_fields(const KeyTypeInfo& info, SshReader fields) noexcept {
  switch (info.algorithm) {
    case Algorithm::ed25519: {
      const auto key = fields.string();
      return key && key->size() == ed25519_public_key_size && fields.empty();
    }
    case Algorithm::rsa: {
      const auto e = fields.string();
      const auto n = fields.string();
      return e && n && !e->empty() && !n->empty() && canonical_positive_mpint(*e) && canonical_positive_mpint(*n) &&
             fields.empty();
    }
    case Algorithm::ecdsa:
    case Algorithm::sk_ecdsa: {
      const auto curve = fields.string();
      const auto point = fields.string();
      if (!curve || *curve != info.curve || !point || point->size() != point_size(info)) return false;
      if (info.algorithm == Algorithm::sk_ecdsa && !fields.string()) return false;
      return fields.empty();
    }
    case Algorithm::sk_ed25519: {
      const auto key = fields.string();
      const auto application = fields.string();
      return key && key->size() == ed25519_public_key_size && application && fields.empty();
    }
  }
  return false;
}

std::optional<DecodedPublicKey> decode_public_key(const SshPublicKey& key, std::string& problem) {
  DecodedPublicKey decoded;
  decoded.info = key_type_info(key.type);
  if (!decoded.info) {
    problem = "a " + key.type + " key; docket signs and verifies Ed25519, RSA, ECDSA (P-256, P-384, P-521) and their "
              "security-key (-sk) forms";
    return std::nullopt;
  }
  const KeyTypeInfo& info = *decoded.info;
  SshReader reader(key.blob);
  const auto type = reader.string();
  if (!type || *type != info.name || !well_formed_public_key_fields(info, reader)) {
    problem = "a malformed " + key.type + " key";
    return std::nullopt;
  }
  switch (info.algorithm) {
    case Algorithm::ed25519:
    case Algorithm::sk_ed25519: {
      decoded.key = ed25519_key(*reader.string());
      if (info.algorithm == Algorithm::sk_ed25519) decoded.application = std::string(*reader.string());
      decoded.bits = 256;
      break;
    }
    case Algorithm::rsa: {
      decoded.bits = public_key_bits(key);
      if (decoded.bits < rsa_min_bits || decoded.bits > rsa_max_bits) {
        problem = "a " + std::to_string(decoded.bits) + "-bit RSA key; docket needs " + std::to_string(rsa_min_bits) +
                  " to " + std::to_string(rsa_max_bits) + " bits (NIST SP 800-131A)";
        return std::nullopt;
      }
      SshReader numbers(key.blob);
      numbers.string();
      RsaNumbers rsa;
      rsa.e = read_mpint(numbers);
      rsa.n = read_mpint(numbers);
      // The public exponent: odd, at least 3, below 2^256 (NIST SP 800-56B Rev. 2 §6.2.1 bounds it
      // so; OpenSSH also takes 3) and below the modulus.
      if (!rsa.e || !rsa.n || !BN_is_odd(rsa.e.get()) || BN_is_one(rsa.e.get()) || !BN_is_odd(rsa.n.get()) ||
          BN_num_bits(rsa.e.get()) > 256 || BN_cmp(rsa.e.get(), rsa.n.get()) >= 0) {
        problem = "a malformed ssh-rsa key (its exponent or modulus is not a valid RSA number)";
        return std::nullopt;
      }
      decoded.key = rsa_key(rsa);
      break;
    }
    case Algorithm::ecdsa:
    case Algorithm::sk_ecdsa: {
      reader.string();  // the curve name, checked above
      decoded.key = ec_key(info, *reader.string(), nullptr);
      if (info.algorithm == Algorithm::sk_ecdsa) decoded.application = std::string(*reader.string());
      decoded.bits = public_key_bits(key);
      break;
    }
  }
  if (!decoded.key) {
    problem = "a malformed " + key.type + " key (its public value is not a valid point or number)";
    return std::nullopt;
  }
  return decoded;
}

SignatureCheck verify_signature(const SshPublicKey& key, std::string_view signature_blob, std::string_view data) {
  std::string problem;
  const std::optional<DecodedPublicKey> decoded = decode_public_key(key, problem);
  if (!decoded) return unusable("the signing key is " + problem);
  const KeyTypeInfo& info = *decoded->info;

  SshReader reader(signature_blob);
  const auto sig_type = reader.string();
  const auto signature = reader.string();
  if (!sig_type || !signature) return unusable("the signature blob is truncated");
  switch (info.algorithm) {
    case Algorithm::ed25519:
      if (*sig_type != info.name) return unusable("a " + std::string(*sig_type) + " signature from an ssh-ed25519 key");
      if (!reader.empty() || signature->size() != ed25519_signature_size)
        return unusable("the ssh-ed25519 signature is not 64 bytes");
      return verdict(digest_verify(decoded->key.get(), nullptr, *signature, data), "ssh-ed25519");
    case Algorithm::rsa: {
      const EVP_MD* md = *sig_type == "rsa-sha2-512" ? EVP_sha512() : *sig_type == "rsa-sha2-256" ? EVP_sha256() : nullptr;
      if (*sig_type == "ssh-rsa")
        return unusable("an ssh-rsa (SHA-1) signature; OpenSSH and docket accept only rsa-sha2-256 and rsa-sha2-512");
      if (!md) return unusable("a " + std::string(*sig_type) + " signature from an ssh-rsa key");
      if (!reader.empty()) return unusable("bytes follow the RSA signature");
      // RFC 8332 §3: the signature is as long as the modulus; OpenSSH also takes a shorter one
      // (leading zero bytes dropped) and pads it back.
      const std::size_t modulus_bytes = static_cast<std::size_t>(EVP_PKEY_get_size(decoded->key.get()));
      if (signature->size() > modulus_bytes) return unusable("the RSA signature is longer than the key's modulus");
      const std::string padded = std::string(modulus_bytes - signature->size(), '\0') + std::string(*signature);
      return verdict(digest_verify(decoded->key.get(), md, padded, data, true), std::string(*sig_type));
    }
    case Algorithm::ecdsa: {
      if (*sig_type != info.name) return unusable("a " + std::string(*sig_type) + " signature from an " + key.type + " key");
      if (!reader.empty()) return unusable("bytes follow the ECDSA signature");
      const auto der = ecdsa_der_from_ssh(*signature);
      if (!der) return unusable("the ECDSA signature is not two positive numbers r and s");
      return verdict(digest_verify(decoded->key.get(), ecdsa_digest(info), *der, data), key.type);
    }
    case Algorithm::sk_ed25519:
    case Algorithm::sk_ecdsa: {
      // An sk-ecdsa key may also sign through a web browser (WebAuthn); OpenSSH verifies both.
      const bool webauthn = info.algorithm == Algorithm::sk_ecdsa && *sig_type == webauthn_sig_type;
      if (*sig_type != info.name && !webauthn)
        return unusable("a " + std::string(*sig_type) + " signature from an " + key.type + " key");
      const auto flags = reader.raw(1);
      const auto counter = reader.raw(4);
      if (!flags || !counter) return unusable("the security-key signature lacks its flags and counter");
      std::string message_hash = sha256_bytes(data);
      std::string extensions;
      if (webauthn) {
        const auto origin = reader.string();
        const auto client_data = reader.string();
        const auto webauthn_extensions = reader.string();
        if (!origin || !client_data || !webauthn_extensions)
          return unusable("the WebAuthn signature lacks its origin, client data or extensions");
        const unsigned char flag_bits = static_cast<unsigned char>(flags->front());
        // As OpenSSH's webauthn_check_prepare_hash: no quote in the origin, no attested data,
        // extensions exactly when the flag says so, and clientData must begin with the JSON
        // text that names this challenge (the signed data) and origin, byte for byte.
        if (origin->find('"') != std::string_view::npos || (flag_bits & 0x40U) != 0 ||
            ((flag_bits & 0x80U) == 0) != webauthn_extensions->empty())
          return unusable("the WebAuthn signature's origin or flags are malformed");
        std::string challenge = base64_encode(data);
        while (!challenge.empty() && challenge.back() == '=') challenge.pop_back();
        for (char& c : challenge) c = c == '+' ? '-' : c == '/' ? '_' : c;
        const std::string expected =
            R"({"type":"webauthn.get","challenge":")" + challenge + R"(","origin":")" + std::string(*origin) + "\"";
        if (!client_data->starts_with(expected))
          return {SignatureVerdict::invalid, "the WebAuthn client data does not name the signed data and origin"};
        message_hash = sha256_bytes(*client_data);
        extensions = std::string(*webauthn_extensions);
      }
      if (!reader.empty()) return unusable("bytes follow the security-key signature");
      // PROTOCOL.u2f: the authenticator signs SHA-256(application) || flags || counter
      // [|| extensions, WebAuthn] || SHA-256(message).
      const std::string signed_by_key = sha256_bytes(decoded->application) + std::string(*flags) +
                                        std::string(*counter) + extensions + message_hash;
      bool valid = false;
      if (info.algorithm == Algorithm::sk_ed25519) {
        if (signature->size() != ed25519_signature_size) return unusable("the Ed25519 security-key signature is not 64 bytes");
        valid = digest_verify(decoded->key.get(), nullptr, *signature, signed_by_key);
      } else {
        const auto der = ecdsa_der_from_ssh(*signature);
        if (!der) return unusable("the ECDSA security-key signature is not two positive numbers r and s");
        valid = digest_verify(decoded->key.get(), EVP_sha256(), *der, signed_by_key);
      }
      if (!valid) return verdict(false, key.type);
      if ((static_cast<unsigned char>(flags->front()) & sk_user_presence) == 0)
        return {SignatureVerdict::invalid, "the security key signed without the user-presence flag (nobody touched it)"};
      return verdict(true, key.type);
    }
  }
  return unusable("an unknown key algorithm");
}

std::string sign_data(EVP_PKEY* key, const SshPublicKey& public_key, std::string_view data) {
  const KeyTypeInfo* info = key_type_info(public_key.type);
  if (!info || is_security_key(*info))
    throw Error(ExitCode::internal, "docket cannot sign in-process with a " + public_key.type + " key");
  const EVP_MD* md = info->algorithm == Algorithm::rsa ? EVP_sha512() : is_ecdsa(*info) ? ecdsa_digest(*info) : nullptr;
  EvpMdCtx context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  std::size_t size = 0;
  const auto fail = [&] {
    throw_openssl_error(ExitCode::key, "signing with " + public_key.type + " key " + public_key.fingerprint() + " failed");
  };
  if (!context || EVP_DigestSignInit(context.get(), &key_context, md, nullptr, key) != 1) fail();
  if (info->algorithm == Algorithm::rsa && EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) fail();
  if (EVP_DigestSign(context.get(), nullptr, &size, as_uchars(data), data.size()) != 1) fail();
  std::string signature(size, '\0');
  if (EVP_DigestSign(context.get(), as_uchars(signature), &size, as_uchars(data), data.size()) != 1) fail();
  signature.resize(size);

  SshWriter blob;
  switch (info->algorithm) {
    case Algorithm::ed25519: blob.string(info->name); blob.string(signature); break;
    case Algorithm::rsa: blob.string("rsa-sha2-512"); blob.string(signature); break;
    default: blob.string(info->name); blob.string(ecdsa_ssh_from_der(signature)); break;
  }
  return std::move(blob).take();
}

SshPublicKey public_key_of(EVP_PKEY* key, const std::string& where) {
  SshWriter blob;
  const KeyTypeInfo* info = nullptr;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519: {
      info = key_type_info("ssh-ed25519");
      std::string raw(ed25519_public_key_size, '\0');
      std::size_t size = raw.size();
      if (EVP_PKEY_get_raw_public_key(key, as_uchars(raw), &size) != 1 || size != raw.size())
        throw_openssl_error(ExitCode::key, "cannot read the public half of the Ed25519 key in " + where);
      blob.string(info->name);
      blob.string(raw);
      break;
    }
    case EVP_PKEY_RSA: {
      info = key_type_info("ssh-rsa");
      BIGNUM* n = nullptr;
      BIGNUM* e = nullptr;
      const bool got = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1;
      Bignum owned_n(n);
      const bool got_e = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1;
      Bignum owned_e(e);
      if (!got || !got_e) throw_openssl_error(ExitCode::key, "cannot read the public half of the RSA key in " + where);
      blob.string(info->name);
      write_mpint(blob, owned_e.get());
      write_mpint(blob, owned_n.get());
      break;
    }
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t group_size = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &group_size) != 1)
        throw_openssl_error(ExitCode::key, "cannot read the curve of the ECDSA key in " + where);
      const std::string_view name(group, group_size);
      info = name == "prime256v1" || name == "P-256"   ? key_type_info("ecdsa-sha2-nistp256")
             : name == "secp384r1" || name == "P-384" ? key_type_info("ecdsa-sha2-nistp384")
             : name == "secp521r1" || name == "P-521" ? key_type_info("ecdsa-sha2-nistp521")
                                                      : nullptr;
      if (!info)
        throw Error(ExitCode::key, "key file " + where + " holds an ECDSA key on curve " + std::string(name) +
                                       "; SSH signs with P-256, P-384 and P-521 only");
      // OpenSSH writes the point uncompressed (RFC 5656 §3.1 with SEC1 §2.3.3).
      EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED);
      std::string point(point_size(*info), '\0');
      std::size_t size = 0;
      if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, as_uchars(point), point.size(), &size) != 1 ||
          size != point.size())
        throw_openssl_error(ExitCode::key, "cannot read the public point of the ECDSA key in " + where);
      blob.string(info->name);
      blob.string(info->curve);
      blob.string(point);
      break;
    }
    default: {
      const char* type_name = EVP_PKEY_get0_type_name(key);
      throw Error(ExitCode::key,
                  "key file " + where + " holds a " + (type_name ? type_name : "non-SSH") +
                      " key; docket signs with Ed25519, RSA and ECDSA (P-256, P-384, P-521) keys",
                  "generate one with: ssh-keygen -t ed25519 -f ~/.ssh/docket_ed25519");
    }
  }
  return SshPublicKey{std::string(info->name), std::move(blob).take()};
}

bool key_pair_matches(EVP_PKEY* key) {
  EvpPkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  const bool ok = check && EVP_PKEY_pairwise_check(check.get()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

EvpPkey openssh_private_key(const KeyTypeInfo& info, SshReader& section, std::string& problem) {
  problem.clear();
  const auto malformed = [&](const char* what) {
    problem = what;
    return EvpPkey();
  };
  switch (info.algorithm) {
    case Algorithm::ed25519: {
      const auto raw_public = section.string();
      const auto raw_private = section.string();  // 32-byte seed followed by the 32-byte public key
      if (!raw_public || !raw_private) return malformed("truncated private part");
      if (raw_private->size() != 64 || raw_private->substr(32) != *raw_public)
        return malformed("the Ed25519 private key is not 64 bytes ending in the public key");
      const std::string_view seed = raw_private->substr(0, 32);
      EvpPkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, as_uchars(seed), seed.size()));
      if (!key) throw_openssl_error(ExitCode::key, "cannot load an Ed25519 private key");
      return key;
    }
    case Algorithm::rsa: {
      // OpenSSH's private section for ssh-rsa: mpint n, e, d, iqmp, p, q.
      RsaNumbers rsa;
      rsa.n = read_mpint(section);
      rsa.e = read_mpint(section);
      rsa.d = read_mpint(section);
      rsa.iqmp = read_mpint(section);
      rsa.p = read_mpint(section);
      rsa.q = read_mpint(section);
      if (!rsa.n || !rsa.e || !rsa.d || !rsa.iqmp || !rsa.p || !rsa.q || BN_is_zero(rsa.p.get()) ||
          BN_is_zero(rsa.q.get()))
        return malformed("truncated or invalid RSA private numbers");
      EvpPkey key = rsa_key(rsa);
      if (!key) return malformed("the RSA private numbers do not form a key");
      if (!key_pair_matches(key.get())) return malformed("the RSA private numbers do not belong together");
      return key;
    }
    case Algorithm::ecdsa: {
      const auto curve = section.string();
      const auto point = section.string();
      Bignum scalar = read_mpint(section);
      if (!curve || *curve != info.curve || !point || !scalar) return malformed("truncated ECDSA private part");
      EvpPkey key = ec_key(info, *point, scalar.get());
      if (!key) return malformed("the ECDSA private part is not a key on its curve");
      if (!key_pair_matches(key.get())) return malformed("the ECDSA private scalar does not belong to the public point");
      return key;
    }
    case Algorithm::sk_ed25519:
    case Algorithm::sk_ecdsa: {
      // PROTOCOL.u2f: the public fields, then the application, flags, key handle and a reserved
      // string. The private key never leaves the authenticator.
      if (info.algorithm == Algorithm::sk_ecdsa && !section.string()) return malformed("truncated security-key part");
      if (!section.string() || !section.string() || !section.raw(1) || !section.string() || !section.string())
        return malformed("truncated security-key part");
      return nullptr;
    }
  }
  return malformed("unknown key type");
}

}  // namespace docket::crypto::detail
