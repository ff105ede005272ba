#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <utility>

#include "docket/core/error.hpp"
#include "docket/crypto/sha256.hpp"

using docket::crypto::Sha256;
using docket::crypto::sha256;
using docket::crypto::sha256_stream;

TEST_CASE("sha256 matches the FIPS 180-2 test vectors") {
  CHECK(sha256("").hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256("abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex() ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256 fed in pieces equals sha256 of the whole") {
  Sha256 hash;
  hash.update("ab");
  hash.update("");
  hash.update("c");
  CHECK(hash.finish() == sha256("abc"));
}

TEST_CASE("sha256_stream hashes a stream larger than its chunk size and reports every chunk") {
  // One million 'a's: the FIPS 180-2 long-message vector, about 15 chunks of 64 KiB.
  std::istringstream in(std::string(1'000'000, 'a'));
  std::size_t seen = 0;
  std::size_t chunks = 0;
  const auto result = sha256_stream(in, [&](std::string_view chunk) {
    seen += chunk.size();
    ++chunks;
  });
  CHECK(result.digest.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(result.size == 1'000'000);
  CHECK(seen == 1'000'000);
  CHECK(chunks == 16);
}

TEST_CASE("sha256_stream of an empty stream is the empty digest, with no callback needed") {
  std::istringstream in("");
  const auto result = sha256_stream(in);
  CHECK(result.size == 0);
  CHECK(result.digest == sha256(""));
}

TEST_CASE("a moved Sha256 keeps its state and the moved-from one refuses use") {
  Sha256 first;
  first.update("a");
  Sha256 second(std::move(first));
  second.update("bc");
  Sha256 third;
  third = std::move(second);
  CHECK(third.finish() == sha256("abc"));
  CHECK_THROWS_AS(second.update("x"), docket::Error);  // NOLINT(bugprone-use-after-move): on purpose
  CHECK_THROWS_AS(third.update("x"), docket::Error);   // finished
}
