#include "docket/core/display.hpp"

namespace docket::core {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out += hex_digits[byte >> 4];
  out += hex_digits[byte & 0xf];
}

void append_code_point_escape(std::string& out, char32_t cp) {
  out += "\\u{";
  std::string digits;
  do {
    digits.insert(digits.begin(), hex_digits[cp & 0xf]);
    cp >>= 4;
  } while (cp != 0);
  while (digits.size() < 4) digits.insert(digits.begin(), '0');
  out += digits;
  out += '}';
}

bool hidden_code_point(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

// The length of the well-formed UTF-8 sequence at `text[i]` (RFC 3629 §4), and its code point;
// 0 when the bytes there are not one.
std::size_t decode(std::string_view text, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    cp = lead & 0x0f;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;  // no UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    cp = lead & 0x07;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char next = byte(i + k);
    if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xbf)) return 0;
    cp = (cp << 6) | (next & 0x3f);
  }
  return length;
}

void append_safe(std::string& out, std::string_view text, const std::string_view* block_indent) {
  std::size_t plain_start = 0;
  const auto flush = [&](std::size_t end) { out.append(text.substr(plain_start, end - plain_start)); };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      flush(i);
      if (c == '\n' && block_indent) {
        out += '\n';
        out += *block_indent;
      } else if (c == '\r' && block_indent && i + 1 < text.size() && text[i + 1] == '\n') {
        // CRLF is one line break in a block.
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        append_byte_escape(out, c);
      }
      plain_start = ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t length = decode(text, i, cp);
    if (length == 0) {
      flush(i);
      append_byte_escape(out, c);
      plain_start = ++i;
    } else if (hidden_code_point(cp)) {
      flush(i);
      append_code_point_escape(out, cp);
      i += length;
      plain_start = i;
    } else {
      i += length;
    }
  }
  flush(text.size());
}

}  // namespace

std::string display_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_safe(out, text, nullptr);
  return out;
}

void append_display_line(std::string& out, std::string_view text) { append_safe(out, text, nullptr); }

std::string display_block(std::string_view text, std::string_view indent) {
  std::string out;
  out.reserve(text.size());
  append_safe(out, text, &indent);
  return out;
}

}  // namespace docket::core
