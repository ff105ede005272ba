#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace docket::crypto {
std::string base64_encode(std::string_view bytes);
// Strict: rejects characters outside the alphabet (whitespace is not skipped) and bad padding.
std::optional<std::string> base64_decode(std::string_view text);
}  // namespace docket::crypto
