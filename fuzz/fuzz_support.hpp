#pragma once
// Shared by the libFuzzer targets in fuzz/ (docs/fuzzing.md).
//
// The contract every target checks: a parser either returns a value or refuses the input with
// docket::Error. `accepted` catches exactly that; any other exception escapes, and libFuzzer
// records it as a crash (std::terminate → abort), because a parser that throws anything else
// for bad input is a bug. What a target then does with the value must not throw at all: docket
// itself wrote or produced it. A broken invariant aborts through FUZZ_CHECK, naming the check.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "docket/core/error.hpp"

namespace docket::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The value `parse()` returns, or nullopt when it refuses the input with docket::Error.
template <class Parse>
auto accepted(Parse&& parse) -> std::optional<decltype(parse())> {
  try {
    return parse();
  } catch (const Error&) {
    return std::nullopt;
  }
}

[[noreturn]] inline void invariant_broken(const char* file, int line, const char* check) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, check);
  std::abort();
}

// True when `text` holds a C0 control or DEL: what one-line display text never holds.
inline bool has_control(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
inline bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    std::uint32_t code = lead;
    std::uint32_t minimum = 0;
    if (lead >= 0x80) {
      if ((lead & 0xE0) == 0xC0) length = 2, code = lead & 0x1Fu, minimum = 0x80;
      else if ((lead & 0xF0) == 0xE0) length = 3, code = lead & 0x0Fu, minimum = 0x800;
      else if ((lead & 0xF8) == 0xF0) length = 4, code = lead & 0x07u, minimum = 0x10000;
      else return false;
      if (i + length > text.size()) return false;
      for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) return false;
        code = (code << 6) | (next & 0x3Fu);
      }
      if (code < minimum || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace docket::fuzz

#define FUZZ_CHECK(condition)                                                                   \
  do {                                                                                          \
    if (!(condition)) ::docket::fuzz::invariant_broken(__FILE__, __LINE__, #condition);        \
  } while (0)
