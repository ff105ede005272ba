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
constexpr std::string_view kBase64 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
constexpr std::string_view kHex = "0123456789abcdef";

std::string aws_key() { return std::string("AK") + "IA" + tail(16, kUpperAlnum); }
std::string pem_header(std::string_view kind) { return std::string("-----BEGIN ") + std::string(kind) + "-----"; }

struct Case {
  std::string text;
  std::string kind;
  std::size_t at = 0;  // where in `text` the finding starts (a URL's is its host part)
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
      {std::string("-----BEGIN PGP ") + "PRIVATE KEY BLOCK-----", "private key"},
      {std::string("aws_secret") + "_access_key = " + tail(40, kBase64), "AWS secret access key"},
      {std::string("\"Secret") + "AccessKey\": \"" + tail(40, kBase64) + "\"", "AWS secret access key", 1},
      {std::string("GOC") + "SPX-" + tail(28, kTokenChars), "Google OAuth client secret"},
      {std::string("Account") + "Key=" + tail(86, kBase64) + "==", "Azure storage account key"},
      {std::string("abc1") + "Q~" + tail(32, kAlnum), "Azure client secret"},
      {std::string("gh") + "u_" + tail(36, kAlnum), "GitHub user token"},
      {std::string("gh") + "r_" + tail(36, kAlnum), "GitHub refresh token"},
      {std::string("gl") + "dt-" + tail(20, kTokenChars), "GitLab deploy token"},
      {std::string("gl") + "rt-" + tail(20, kTokenChars), "GitLab runner token"},
      {std::string("xa") + "pp-" + tail(20, kTokenChars), "Slack app token"},
      {std::string("https://hooks.slack.com/") + "services/T" + tail(9, kUpperAlnum) + "/B" + tail(9, kUpperAlnum) + "/" + tail(24, kAlnum),
       "Slack webhook", 8},
      {std::string("rk_") + "live_" + tail(24, kAlnum), "Stripe restricted key"},
      {std::string("S") + "K" + tail(32, kHex), "Twilio API key"},
      {std::string("S") + "G." + tail(22, kTokenChars) + "." + tail(43, kTokenChars), "SendGrid API key"},
      {std::string("pypi-") + "AgEIcHlwaS5vcmc" + tail(60, kTokenChars), "PyPI token"},
      {std::string("https://discord.com/api/") + "webhooks/" + tail(18, "0123456789") + "/" + tail(68, kTokenChars), "Discord webhook", 8},
      {std::string("https://acme.webhook.office.com/") + "webhookb2/" + tail(36, "0123456789abcdef-") + "@" + tail(36, "0123456789abcdef") + "/IncomingWebhook/x",
       "Microsoft Teams webhook", 12},
      // Formats a hostile review found missing: camelCase and command-line names of the AWS
      // secret, Slack workflow URLs and legacy tokens, the other GitLab prefixes.
      {std::string("{\"secret") + "AccessKey\": \"" + tail(40, kBase64) + "\"}", "AWS secret access key", 2},
      {std::string("aws s3 ls --aws-secret") + "-access-key " + tail(40, kBase64), "AWS secret access key", 16},
      {std::string("https://hooks.slack.com/") + "workflows/T" + tail(9, kUpperAlnum) + "/A" + tail(9, kUpperAlnum) + "/" +
           tail(18, "0123456789") + "/" + tail(24, kAlnum),
       "Slack workflow webhook", 8},
      {std::string("https://hooks.slack.com/") + "triggers/T" + tail(9, kUpperAlnum) + "/" + tail(13, "0123456789") + "/" + tail(32, kHex),
       "Slack workflow trigger", 8},
      {std::string("xo") + "xa-" + tail(30, kTokenChars), "Slack token"},
      {std::string("xo") + "xr-" + tail(30, kTokenChars), "Slack token"},
      {std::string("xo") + "xs-" + tail(30, kTokenChars), "Slack token"},
      {std::string("gl") + "ptt-" + tail(40, kHex), "GitLab pipeline trigger token"},
      {std::string("GR") + "1348941" + tail(20, kTokenChars), "GitLab runner registration token"},
      {std::string("gl") + "cbt-" + tail(24, kTokenChars), "GitLab CI/CD job token"},
      {std::string("gl") + "imt-" + tail(20, kTokenChars), "GitLab incoming mail token"},
      {std::string("gl") + "ft-" + tail(20, kTokenChars), "GitLab feed token"},
      {std::string("gl") + "oas-" + tail(64, kTokenChars), "GitLab OAuth application secret"},
      {std::string("gl") + "soat-" + tail(20, kTokenChars), "GitLab SCIM token"},
      {std::string("gl") + "agent-" + tail(50, kTokenChars), "GitLab agent token"},
      // A JWT whose header carries a certificate chain: far longer than the look-ahead.
      {std::string("ey") + "J" + tail(600, kTokenChars) + ".ey" + "JzdWIiOiIxIn0." + tail(43, kTokenChars), "JWT"},
      {std::string("ey") + "JhbGciOiJIUzI1NiJ9." + "ey" + "JzdWIiOiIxIn0." + tail(43, kTokenChars), "JWT"},
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
  s.finish();
  return s.finding();
}

}  // namespace

TEST_CASE("every kind of secret is found, with its kind and offset") {
  for (const auto& c : one_of_each_kind()) {
    const std::string text = "config:\n  value: " + c.text + "\n";
    const auto f = find_secret(text);
    REQUIRE_MESSAGE(f, "missed: ", c.kind);
    CHECK(f->kind == c.kind);
    CHECK(f->offset == std::string("config:\n  value: ").size() + c.at);
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

TEST_CASE("each rule's near misses are not flagged") {
  for (const std::string& benign : std::vector<std::string>{
           std::string("aws_secret") + "_access_key = " + tail(39, kBase64),    // one character short
           std::string("aws_secret") + "_access_key=REPLACE_ME",
           std::string("GOC") + "SPX-" + tail(27, kTokenChars),
           std::string("Account") + "Key=" + tail(40, kBase64),
           std::string("abc1") + "Q~" + tail(20, kAlnum),
           std::string("gh") + "u_" + tail(35, kAlnum),
           std::string("gl") + "dt-" + tail(19, kTokenChars),
           std::string("xa") + "pp-" + tail(19, kTokenChars),
           std::string("https://hooks.slack.com/") + "services/",
           std::string("https://hooks.slack.com/") + "services/T" + tail(9, kUpperAlnum) + "/B" + tail(9, kUpperAlnum) + "/short",
           std::string("sk_") + "test_" + tail(24, kAlnum),                      // Stripe test keys are not secrets
           std::string("rk_") + "live_" + tail(23, kAlnum),
           std::string("S") + "K" + tail(31, kHex),
           std::string("S") + "K" + tail(32, kHex) + "z",                         // part of a longer word
           std::string("S") + "G." + tail(21, kTokenChars) + "." + tail(43, kTokenChars),
           std::string("np") + "m_" + tail(35, kAlnum),
           std::string("pypi-") + "AgEIcHlwaS5vcmc" + tail(10, kTokenChars),
           std::string("https://discord.com/api/") + "webhooks/123/abc",
           std::string("https://acme.webhook.office.com/") + "webhookb2/",
           std::string("ey") + "JhbGciOiJIUzI1NiJ9",                            // one JWT segment is just JSON
           std::string("ey") + "Jh.ey" + "Jz",                                  // segments too short
           // AWS's documentation examples, as scanners' allow-lists know them.
           std::string("AK") + "IAIOSFODNN7" + "EXAMPLE",
           std::string("aws_secret") + "_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
           std::string("x") + "ey" + "J" + tail(30, kTokenChars) + ".ey" + "J" + tail(20, kTokenChars),  // a word ending in eyJ
           std::string("https://hooks.slack.com/") + "workflows/T" + tail(9, kUpperAlnum),             // no secret segment
           std::string("gl") + "ptt-" + tail(19, kTokenChars),
       }) {
    const auto f = find_secret(benign);
    CHECK_MESSAGE(!f, "flagged: ", benign, " as ", f ? f->kind : std::string());
  }
  // The AWS secret's name may be followed by blanks alone.
  CHECK(find_secret(std::string("aws_secret") + "_access_key " + tail(40, kBase64)));
}

TEST_CASE("private keys are found in PEM, OpenSSH and PKCS#8 armor, with CRLF line ends, and inside JSON") {
  for (std::string_view kind : {"RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}) {
    const std::string crlf = "key: |\r\n  " + pem_header(kind) + "\r\n  MIIEvQIBADANBg\r\n";
    CHECK_MESSAGE(find_secret(crlf), kind);
    const std::string json = R"({"type": "service_account", "private_key": ")" + pem_header(kind) + R"(\nMIIEvQIBADANBg\n"})";
    CHECK_MESSAGE(find_secret(json), kind);
  }
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
      CHECK(f->offset == 3 + c.at);
      for (std::size_t j = i; j <= text.size(); j += 3) {
        const auto g = scan_in_pieces(text, {i, j});
        REQUIRE_MESSAGE(g, c.kind, " missed with cuts at ", i, " and ", j);
        CHECK(g->offset == 3 + c.at);
      }
    }
  }
}

TEST_CASE("a secret fed one byte at a time is found at its offset") {
  const std::string text = std::string(300, ' ') + pem_header("RSA PRIVATE KEY") + "\nMIIE...";
  SecretScanner s;
  for (char c : text) s.feed(std::string_view(&c, 1));
  s.finish();
  REQUIRE(s.finding());
  CHECK(s.finding()->kind == "private key");
  CHECK(s.finding()->offset == 300);
}

TEST_CASE("the first finding is kept when more content follows") {
  SecretScanner s;
  s.feed("x " + aws_key() + "\n");
  s.feed(std::string(300, ' '));  // the key's whole reach has been seen: judged now
  REQUIRE(s.finding());
  s.feed(pem_header("PRIVATE KEY"));
  s.feed(std::string(1000, 'z'));
  s.finish();
  CHECK(s.finding()->kind == "AWS access key id");
  CHECK(s.finding()->offset == 2);
}

TEST_CASE("empty chunks change nothing") {
  SecretScanner s;
  s.feed("");
  s.feed("key=");
  s.feed("");
  s.feed(aws_key());
  s.finish();
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

TEST_CASE("an exact-length rule judges the whole token, wherever the chunks are cut") {
  // 17 characters after the prefix: not an access key id (those have exactly 16), at every cut,
  // including the one that leaves exactly 16 in the first chunk.
  const std::string text = "id " + std::string("AK") + "IA" + tail(17, kUpperAlnum) + " and " + std::string("np") + "m_" +
                           tail(37, kAlnum) + " end";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) CHECK_FALSE_MESSAGE(scan_in_pieces(text, {cut}), "cut at ", cut);
  // And in 64 KiB chunks, the edge falling right after the 16th character.
  std::string big(65536 - 3 - 4 - 16, ' ');
  big += "id " + std::string("AK") + "IA" + tail(16, kUpperAlnum);
  CHECK(big.size() == 65536);
  big += "Z tail";
  CHECK_FALSE(scan_in_pieces(big, {65536}));
  CHECK(scan_in_pieces(big.substr(0, 65536) + " tail", {65536}));
}

TEST_CASE("a JWT header longer than the look-behind still counts; finish() judges the end") {
  const std::string jwt = std::string("ey") + "J" + tail(5000, kTokenChars) + ".ey" + "J" + tail(20, kTokenChars);
  CHECK(find_secret(jwt));
  SecretScanner s;
  s.feed(std::string("ey") + "JhbGciOiJIUzI1NiJ9.ey" + "J" + tail(20, kTokenChars));
  CHECK_FALSE(s.finding());  // its reach runs past what was fed: not judged yet
  s.finish();
  REQUIRE(s.finding());
  CHECK(s.finding()->kind == "JWT");
  CHECK(s.finding()->offset == 0);
  s.feed(aws_key());  // after finish: ignored
  CHECK(s.finding()->offset == 0);
}

TEST_CASE("text with a UTF-16 byte-order mark is decoded before it is scanned, at every split point") {
  const std::string ascii = "log line\r\naws key " + aws_key() + "\r\n";
  std::string le = "\xFF\xFE", be = "\xFE\xFF";
  for (char c : ascii) {
    le += c;
    le += '\0';
    be += '\0';
    be += c;
  }
  for (const std::string& text : {le, be}) {
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      const auto f = scan_in_pieces(text, {cut});
      REQUIRE_MESSAGE(f, "cut at ", cut);
      CHECK(f->kind == "AWS access key id");
    }
  }
  // The same text without its byte-order mark is not decoded (NUL bytes cut every token).
  CHECK_FALSE(find_secret(le.substr(2)));
  // Benign UTF-16 stays benign; a stream of one byte is judged at finish().
  std::string benign = "\xFF\xFE";
  for (char c : std::string("nothing to see")) benign += std::string{c, '\0'};
  CHECK_FALSE(find_secret(benign));
  CHECK_FALSE(find_secret("x"));
}

TEST_CASE("secrets a second hostile review found missing, and placeholders it found refused") {
  const std::string key40 = tail(40, kBase64);
  const std::string ghp = std::string("gh") + "p_" + tail(36, kAlnum);
  for (const std::string& text : std::vector<std::string>{
           "https://x.example/?token%3D" + ghp,  // URL-encoded, glued to the `D` of %3D
           "abc" + ghp,
           std::string("{ \"secret") + "AccessKey\" :\n   \"" + key40 + "\" }",
           std::string("\"aws_secret") + "_access_key\" => \"" + key40 + "\"",
           std::string("Secret") + "Key=" + key40,
           std::string("AWSSecret") + "Key=" + key40,
           std::string("aws_secret") + "_access_key:\n  " + key40,
           std::string("HTTPS://HOOKS.SLACK.COM/") + "services/T" + tail(9, kUpperAlnum) + "/B" + tail(9, kUpperAlnum) + "/" + tail(24, kAlnum),
           std::string("gl") + "ffct-" + tail(20, kTokenChars),
           std::string("//registry.npmjs.org/:_auth") + "Token=" + "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
       })
    CHECK_MESSAGE(find_secret(text), text);
  for (const std::string& placeholder : std::vector<std::string>{
           std::string("AWS_SECRET") + "_ACCESS_KEY=" + std::string(40, 'x'),
           std::string("https://hooks.slack.com/") + "services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
           std::string("//registry.npmjs.org/:_auth") + "Token=${NPM_TOKEN}",
       }) {
    const auto f = find_secret(placeholder);
    CHECK_MESSAGE(!f, "flagged: ", placeholder, " as ", f ? f->kind : std::string());
  }
}
