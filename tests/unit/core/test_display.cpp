#include <doctest/doctest.h>

#include "docket/core/display.hpp"

using namespace docket::core;

TEST_CASE("plain text, including other scripts and emoji, is shown as it is") {
  CHECK(display_line("AWS key for svc-deploy") == "AWS key for svc-deploy");
  CHECK(display_line("Schlüssel für café — 鍵 🔑") == "Schlüssel für café — 鍵 🔑");
  CHECK(display_line("") == "");
}

TEST_CASE("line breaks cannot start a forged line") {
  CHECK(display_line("ok\n  2026-01-01T00:00:00Z  admin@x  approve") == "ok\\n  2026-01-01T00:00:00Z  admin@x  approve");
  CHECK(display_line("a\r\nb\tc") == "a\\r\\nb\\tc");
  CHECK(display_block("first\nsecond\r\nthird", "    ") == "first\n    second\n    third");
  CHECK(display_block("carriage\rreturn", "  ") == "carriage\\rreturn");
}

TEST_CASE("C0, DEL and C1 controls are escaped") {
  CHECK(display_line(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(display_line("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
  CHECK(display_line("del\x7f") == "del\\x7f");
  CHECK(display_line("next\xc2\x85line") == "next\\u{0085}line");  // NEL
  CHECK(display_line("csi\xc2\x9b" "31m") == "csi\\u{009b}31m");      // 8-bit CSI
}

TEST_CASE("bidi overrides and isolates, and line/paragraph separators, are escaped") {
  CHECK(display_line("a\u202Eevil\u202C") == "a\\u{202e}evil\\u{202c}");
  CHECK(display_line("\u2066x\u2069") == "\\u{2066}x\\u{2069}");
  CHECK(display_line("\u200E\u200F\u061C") == "\\u{200e}\\u{200f}\\u{061c}");
  CHECK(display_line("a\u2028b\u2029c") == "a\\u{2028}b\\u{2029}c");
  CHECK(display_block("a\u2028b", "  ") == "a\\u{2028}b");
}

TEST_CASE("bytes that are not UTF-8 are escaped one by one") {
  CHECK(display_line("bad\xff") == "bad\\xff");
  CHECK(display_line("\xc0\xaf") == "\\xc0\\xaf");          // overlong
  CHECK(display_line("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  CHECK(display_line("cut\xe2\x82") == "cut\\xe2\\x82");     // truncated sequence
  CHECK(display_line("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
  std::string out = "prefix ";
  append_display_line(out, "x\ny");
  CHECK(out == "prefix x\\ny");
}
