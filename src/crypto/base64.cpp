#include "docket/crypto/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "docket/core/error.hpp"
#include "openssl_handles.hpp"

namespace docket::crypto {

namespace {

// EVP_EncodeBlock/EVP_DecodeBlock take `int` lengths; feeding them whole groups (3 bytes in,
// 4 characters out) in bounded chunks keeps any input size within range.
constexpr std::size_t encode_chunk_bytes = 3 * 16 * 1024;
constexpr std::size_t decode_chunk_chars = 4 * 16 * 1024;

// The 6-bit value of a base64 alphabet character, or -1.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string text((bytes.size() + 2) / 3 * 4, '\0');
  std::size_t written = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += encode_chunk_bytes) {
    const std::size_t chunk = std::min(encode_chunk_bytes, bytes.size() - offset);
    // EVP_EncodeBlock writes a terminating NUL; a std::string's buffer holds one past size().
    const int produced = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data() + written),
                                         detail::as_uchars(bytes.substr(offset, chunk)), static_cast<int>(chunk));
    if (produced < 0) throw Error(ExitCode::internal, "base64 encoding failed");
    written += static_cast<std::size_t>(produced);
  }
  text.resize(written);
  return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::string();

  std::size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  // '=' anywhere but the end, whitespace and foreign characters are all refused here, because
  // EVP_DecodeBlock itself skips surrounding whitespace.
  const std::string_view data = text.substr(0, text.size() - padding);
  if (!std::all_of(data.begin(), data.end(), [](char c) { return sextet(c) >= 0; })) return std::nullopt;
  // Bits left over under the padding must be zero, or two texts would decode to the same bytes
  // (OpenSSH refuses them for the same reason).
  if (padding == 1 && (sextet(data.back()) & 0x3) != 0) return std::nullopt;
  if (padding == 2 && (sextet(data.back()) & 0xf) != 0) return std::nullopt;

  std::string bytes(text.size() / 4 * 3, '\0');
  std::size_t written = 0;
  for (std::size_t offset = 0; offset < text.size(); offset += decode_chunk_chars) {
    const std::size_t chunk = std::min(decode_chunk_chars, text.size() - offset);
    const int produced = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data() + written),
                                         detail::as_uchars(text.substr(offset, chunk)), static_cast<int>(chunk));
    if (produced < 0) return std::nullopt;
    written += static_cast<std::size_t>(produced);
  }
  // EVP_DecodeBlock counts the padding as zero bytes; shrinking never reallocates, so secret
  // callers can still wipe the one buffer.
  bytes.resize(written - padding);
  return bytes;
}

}  // namespace docket::crypto
