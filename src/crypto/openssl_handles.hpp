#pragma once
// The one place that frees OpenSSL objects and wipes secrets. Every OpenSSL handle docket holds
// is a move-only `std::unique_ptr` with a stateless deleter from this file, so no `*_free` call
// appears anywhere else and no early return or exception can leak one.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "docket/core/error.hpp"

namespace docket::crypto::detail {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free_all(bio); }
};

struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }
};
// Every BIGNUM may hold a private exponent or scalar: always wiped.
struct BignumDeleter {
  void operator()(BIGNUM* bn) const noexcept { BN_clear_free(bn); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* sig) const noexcept { ECDSA_SIG_free(sig); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const noexcept { OSSL_PARAM_BLD_free(bld); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const noexcept { OSSL_PARAM_free(params); }
};

using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;
using Bignum = std::unique_ptr<BIGNUM, BignumDeleter>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter>;
using Params = std::unique_ptr<OSSL_PARAM, ParamDeleter>;
using EvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using Bio = std::unique_ptr<BIO, BioDeleter>;

// Empties OpenSSL's thread-local error queue into one line ("error:…; error:…"). Call it right
// after the failing call: a later OpenSSL call may add unrelated entries.
inline std::string drain_openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? std::string("OpenSSL gave no details") : text;
}

// Throws docket::Error with `what` followed by the drained OpenSSL error queue.
[[noreturn]] inline void throw_openssl_error(ExitCode code, std::string what, std::string hint = {}) {
  what += ": ";
  what += drain_openssl_errors();
  throw Error(code, std::move(what), std::move(hint));
}

// Bytes that must not outlive their use (private key files, decoded key blobs): wiped with
// OPENSSL_cleanse when destroyed or overwritten. Move-only, so the bytes live in exactly one
// buffer; build it at its final size, because a std::string that grows leaves its old buffer
// behind unwiped.
class SecretString {
public:
  SecretString() = default;
  explicit SecretString(std::string bytes) noexcept : bytes_(std::move(bytes)) {}
  ~SecretString() { wipe(); }
  SecretString(SecretString&& other) noexcept : bytes_(std::move(other.bytes_)) { other.wipe(); }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.wipe();
    }
    return *this;
  }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;

  std::string_view view() const noexcept { return bytes_; }
  std::string& mutable_bytes() noexcept { return bytes_; }

private:
  void wipe() noexcept {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.clear();
  }
  std::string bytes_;
};

inline const unsigned char* as_uchars(std::string_view bytes) noexcept {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}
inline unsigned char* as_uchars(std::string& bytes) noexcept {
  return reinterpret_cast<unsigned char*>(bytes.data());
}

}  // namespace docket::crypto::detail
