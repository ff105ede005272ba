#include <doctest/doctest.h>

#include <string>

#include "docket/crypto/base64.hpp"

using docket::crypto::base64_decode;
using docket::crypto::base64_encode;

TEST_CASE("base64 encodes the RFC 4648 test vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 round-trips every byte value and inputs longer than one encoding chunk") {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  CHECK(base64_decode(base64_encode(all_bytes)) == all_bytes);

  std::string large;
  for (std::size_t i = 0; i < 200'001; ++i) large.push_back(static_cast<char>(i * 7 % 251));
  const std::string encoded = base64_encode(large);
  CHECK(encoded.size() == (large.size() + 2) / 3 * 4);
  CHECK(base64_decode(encoded) == large);
}

TEST_CASE("base64 decoding refuses whitespace, foreign characters and misplaced padding") {
  CHECK(base64_decode("Zm9v") == "foo");
  CHECK(base64_decode("") == "");
  CHECK_FALSE(base64_decode(" Zm9v"));
  CHECK_FALSE(base64_decode("Zm9v\n"));
  CHECK_FALSE(base64_decode("Zm 9v"));
  CHECK_FALSE(base64_decode("Zm9"));      // length not a multiple of 4
  CHECK_FALSE(base64_decode("Zm9*"));
  CHECK_FALSE(base64_decode("Zm-_"));     // URL-safe alphabet is not base64
  CHECK_FALSE(base64_decode("Zg=a"));     // padding in the middle
  CHECK_FALSE(base64_decode("Z==="));
  CHECK_FALSE(base64_decode("===="));
  CHECK_FALSE(base64_decode("Zg==Zm9v"));
}

TEST_CASE("base64 decoding refuses non-zero bits under the padding") {
  CHECK(base64_decode("Zg==") == "f");
  CHECK_FALSE(base64_decode("Zh=="));
  CHECK(base64_decode("Zm8=") == "fo");
  CHECK_FALSE(base64_decode("Zm9="));
}
