// core/secrets: the streaming scanner that keeps live secrets out of the store.
//
// Secret-like strings are assembled at run time (prefix + generated tail), so this file does
// not itself trip secret scanners on the repository that holds it.

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/secrets.hpp"

using namespace docket;

namespace {

// `n` characters cycling through `alphabet`.
std::string tail(std::size_t n, std::string_view alphabet) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(alphabet[(i * 7 + 3) % alphabet.size()]);
  return out;
}
constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kAlnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kTokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

std::string aws_key() { return std::string("AK") + "IA" + tail(16, kUpperAlnum); }
std::string pem_header(std::string_view kind) { return std::string("-----BEGIN ") + std::string(kind) + "-----"; }

struct Case {
  std::string text;
  std::string kind;
};

std::vector<Case> one_of_each_kind() {
  return {
      {pem_header("OPENSSH PRIVATE KEY"), "private key"},
      {pem_header("RSA PRIVATE KEY"), "private key"},
      {pem_header("EC PRIVATE KEY"), "private key"},
      {pem_header("DSA PRIVATE KEY"), "private key"},
      {pem_header("PRIVATE KEY"), "private key"},
      {pem_header("ENCRYPTED PRIVATE KEY"), "private key"},
      {aws_key(), "AWS access key id"},
      {std::string("AS") + "IA" + tail(16, kUpperAlnum), "AWS temporary access key id"},
      {std::string("gh") + "p_" + tail(36, kAlnum), "GitHub token"},
      {std::string("gh") + "o_" + tail(36, kAlnum), "GitHub OAuth token"},
      {std::string("gh") + "s_" + tail(36, kAlnum), "GitHub app token"},
      {std::string("github") + "_pat_" + tail(60, kTokenChars), "GitHub fine-grained token"},
      {std::string("glp") + "at-" + tail(20, kTokenChars), "GitLab token"},
      {std::string("xo") + "xb-" + tail(20, kTokenChars), "Slack token"},
      {std::string("xo") + "xp-" + tail(20, kTokenChars), "Slack token"},
      {std::string("sk_") + "live_" + tail(24, kAlnum), "Stripe secret key"},
      {std::string("AI") + "za" + tail(35, kTokenChars), "Google API key"},
      {std::string("np") + "m_" + tail(36, kAlnum), "npm token"},
  };
}

// Feeds `text` cut at `cuts` (ascending offsets) and returns the scanner's finding.
std::optional<SecretFinding> scan_in_pieces(std::string_view text, const std::vector<std::size_t>& cuts) {
  SecretScanner s;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    s.feed(text.substr(from, cut - from));
    from = cut;
  }
  s.feed(text.substr(from));
  return s.finding();
}

}  // namespace

TEST_CASE("every kind of secret is found, with its kind and offset") {
  for (const auto& c : one_of_each_kind()) {
    const std::string text = "config:\n  value: " + c.text + "\n";
    const auto f = find_secret(text);
    REQUIRE_MESSAGE(f, "missed: ", c.kind);
    CHECK(f->kind == c.kind);
    CHECK(f->offset == std::string("config:\n  value: ").size());
  }
}

TEST_CASE("a secret at the very start or end of the text is found") {
  const auto key = aws_key();
  CHECK(find_secret(key));
  CHECK(find_secret(key)->offset == 0);
  CHECK(find_secret("x=" + key)->offset == 2);
}

TEST_CASE("a token whose tail is too short is not flagged") {
  CHECK_FALSE(find_secret(std::string("AK") + "IA" + tail(15, kUpperAlnum)));
  CHECK_FALSE(find_secret(std::string("gh") + "p_" + tail(35, kAlnum)));
  CHECK_FALSE(find_secret(std::string("github") + "_pat_" + tail(59, kTokenChars)));
  // Lowercase letters end an AWS key id's tail.
  CHECK_FALSE(find_secret(std::string("AK") + "IA" + "abcdefghijklmnop"));
}

TEST_CASE("a token glued to a preceding word character is part of another identifier") {
  CHECK_FALSE(find_secret("x" + aws_key()));
  CHECK_FALSE(find_secret("9" + aws_key()));
  // Punctuation, quotes and spaces do not glue.
  for (std::string_view before : {"=", "\"", "'", " ", ":", "\n", "/"})
    CHECK_MESSAGE(find_secret(std::string(before) + aws_key()), std::string(before));
}

TEST_CASE("benign text is not flagged") {
  for (std::string_view benign : {
           "AKIA",
           "The AKIA prefix marks AWS access key ids.",
           "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
           "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "id: 123e4567-e89b-12d3-a456-426614174000",
           "-----BEGIN PUBLIC KEY-----",
           "-----BEGIN CERTIFICATE-----",
           "-----BEGIN SSH SIGNATURE-----",
           "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@acme.example",
           "ghp_ is the prefix of a GitHub token",
           "",
       })
    CHECK_MESSAGE(!find_secret(benign), "flagged: ", std::string(benign));
}

TEST_CASE("the earliest of several secrets is reported") {
  const std::string text = "a " + aws_key() + " b " + pem_header("PRIVATE KEY");
  const auto f = find_secret(text);
  REQUIRE(f);
  CHECK(f->kind == "AWS access key id");
  CHECK(f->offset == 2);
}

TEST_CASE("a match split across two feed chunks is still found, at every split point") {
  // A private key header and an AWS key, each far enough from the other and from the start
  // that the scanner's carry-over is exercised.
  const std::string filler(150, '.');
  const std::string header = pem_header("OPENSSH PRIVATE KEY");
  const std::string text = filler + header + "\n" + filler + "aws_access_key_id = " + aws_key() + "\n" + filler;
  const std::uint64_t header_at = filler.size();

  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const auto f = scan_in_pieces(text, {cut});
    REQUIRE_MESSAGE(f, "missed with a cut at ", cut);
    CHECK_MESSAGE(f->kind == "private key", "cut at ", cut);
    CHECK_MESSAGE(f->offset == header_at, "cut at ", cut);
  }

  // Without the header, the AWS key alone must also survive every split.
  const std::string aws_only = filler + "key=" + aws_key() + filler;
  for (std::size_t cut = 0; cut <= aws_only.size(); ++cut) {
    const auto f = scan_in_pieces(aws_only, {cut});
    REQUIRE_MESSAGE(f, "missed with a cut at ", cut);
    CHECK(f->kind == "AWS access key id");
    CHECK(f->offset == filler.size() + 4);
  }
}

TEST_CASE("every kind of secret survives every split point, and three-way splits") {
  for (const auto& c : one_of_each_kind()) {
    const std::string text = "v: " + c.text + " ;";
    for (std::size_t i = 0; i <= text.size(); ++i) {
      const auto f = scan_in_pieces(text, {i});
      REQUIRE_MESSAGE(f, c.kind, " missed with a cut at ", i);
      CHECK(f->kind == c.kind);
      CHECK(f->offset == 3);
      for (std::size_t j = i; j <= text.size(); j += 3) {
        const auto g = scan_in_pieces(text, {i, j});
        REQUIRE_MESSAGE(g, c.kind, " missed with cuts at ", i, " and ", j);
        CHECK(g->offset == 3);
      }
    }
  }
}

TEST_CASE("a secret fed one byte at a time is found at its offset") {
  const std::string text = std::string(300, ' ') + pem_header("RSA PRIVATE KEY") + "\nMIIE...";
  SecretScanner s;
  for (char c : text) s.feed(std::string_view(&c, 1));
  REQUIRE(s.finding());
  CHECK(s.finding()->kind == "private key");
  CHECK(s.finding()->offset == 300);
}

TEST_CASE("the first finding is kept when more content follows") {
  SecretScanner s;
  s.feed("x " + aws_key() + "\n");
  REQUIRE(s.finding());
  s.feed(pem_header("PRIVATE KEY"));
  s.feed(std::string(1000, 'z'));
  CHECK(s.finding()->kind == "AWS access key id");
  CHECK(s.finding()->offset == 2);
}

TEST_CASE("empty chunks change nothing") {
  SecretScanner s;
  s.feed("");
  s.feed("key=");
  s.feed("");
  s.feed(aws_key());
  REQUIRE(s.finding());
  CHECK(s.finding()->offset == 4);
}

TEST_CASE("benign text stays benign however it is chunked") {
  const std::string text = std::string(200, '-') + "The AKIA prefix; commit 9fceb02d0ae598e95dc970b74767f19372d61af8 " +
                           std::string(200, '=');
  for (std::size_t cut = 0; cut <= text.size(); ++cut) CHECK_FALSE_MESSAGE(scan_in_pieces(text, {cut}), "cut at ", cut);
}

// Regression: a glued token at the very start of the carried bytes used to be flagged,
// because its preceding character had been dropped with the rest of the previous chunk.
TEST_CASE("a glued token is not flagged whichever way the content is chunked") {
  const std::string text = "x" + aws_key() + std::string(200, '.');
  REQUIRE_FALSE(find_secret(text));
  for (std::size_t cut = 0; cut <= text.size(); ++cut) CHECK_FALSE_MESSAGE(scan_in_pieces(text, {cut}), "cut at ", cut);
}
