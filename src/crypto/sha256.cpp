#include "docket/crypto/sha256.hpp"

#include <string>

#include "docket/core/error.hpp"
#include "openssl_handles.hpp"

namespace docket::crypto {

namespace {
// Large enough that hashing a big evidence file costs few read calls, small enough to keep
// memory constant.
constexpr std::size_t stream_chunk_size = 64 * 1024;
}  // namespace

struct Sha256::Impl {
  detail::EvpMdCtx context;
  bool finished = false;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->context.reset(EVP_MD_CTX_new());
  if (!impl_->context) detail::throw_openssl_error(ExitCode::internal, "cannot allocate a SHA-256 context");
  if (EVP_DigestInit_ex(impl_->context.get(), EVP_sha256(), nullptr) != 1)
    detail::throw_openssl_error(ExitCode::internal, "cannot start SHA-256");
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  if (!impl_ || impl_->finished)
    throw Error(ExitCode::internal, "SHA-256 updated after finish() or after being moved from");
  if (EVP_DigestUpdate(impl_->context.get(), bytes.data(), bytes.size()) != 1)
    detail::throw_openssl_error(ExitCode::internal, "SHA-256 update failed");
}

Sha256Digest Sha256::finish() {
  if (!impl_ || impl_->finished)
    throw Error(ExitCode::internal, "SHA-256 finished twice or after being moved from");
  Sha256Digest::Bytes bytes{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(impl_->context.get(), bytes.data(), &size) != 1 || size != bytes.size())
    detail::throw_openssl_error(ExitCode::internal, "SHA-256 finish failed");
  impl_->finished = true;
  return Sha256Digest(bytes);
}

Sha256Digest sha256(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish();
}

StreamDigest sha256_stream(std::istream& in, const std::function<void(std::string_view)>& on_chunk) {
  Sha256 hash;
  std::string buffer(stream_chunk_size, '\0');
  StreamDigest result;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    const std::string_view chunk(buffer.data(), got);
    hash.update(chunk);
    if (on_chunk) on_chunk(chunk);
    result.size += got;
  }
  // eof sets failbit as well; only badbit means the read itself failed.
  if (in.bad())
    throw Error(ExitCode::usage, "reading failed after " + std::to_string(result.size) + " bytes while hashing",
                "check that the input is readable and complete, then retry");
  result.digest = hash.finish();
  return result;
}

}  // namespace docket::crypto
