#pragma once
// Streaming SHA-256 over OpenSSL's EVP interface: constant memory whatever the input size.

#include <cstdint>
#include <functional>
#include <filesystem>
#include <istream>
#include <memory>
#include <string_view>

#include "docket/core/types.hpp"

namespace docket::crypto {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Finishes the hash; the object may not be updated afterwards.
  Sha256Digest finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Sha256Digest sha256(std::string_view bytes);

struct StreamDigest {
  Sha256Digest digest;
  std::uint64_t size = 0;
};
// Reads `in` to the end in fixed-size chunks, calling `on_chunk` (may be empty) for each chunk
// so a caller can scan or copy the content in the same pass.
StreamDigest sha256_stream(std::istream& in, const std::function<void(std::string_view)>& on_chunk = {});

}  // namespace docket::crypto
