// core/types: the strong value types and their text forms.

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "docket/core/types.hpp"

using namespace docket;

TEST_CASE("every enum value's text form parses back to the same value") {
  for (auto v : {Severity::critical, Severity::high, Severity::medium, Severity::low}) CHECK(parse_severity(to_string(v)) == v);
  for (auto v : {State::open, State::triaged, State::investigating, State::remediating, State::pending_approval,
                 State::accepted, State::closed})
    CHECK(parse_state(to_string(v)) == v);
  for (auto v : {Resolution::remediated, Resolution::accepted, Resolution::rejected, Resolution::revoked})
    CHECK(parse_resolution(to_string(v)) == v);
  for (auto v : {Role::admin, Role::approver, Role::responder, Role::reporter}) CHECK(parse_role(to_string(v)) == v);
  for (auto v : {Decision::approve, Decision::deny}) CHECK(parse_decision(to_string(v)) == v);
}

TEST_CASE("states are written in kebab case as on the command line") {
  CHECK(to_string(State::pending_approval) == "pending-approval");
  CHECK(parse_state("pending-approval") == State::pending_approval);
  CHECK_FALSE(parse_state("pending_approval"));
}

TEST_CASE("enum parsing is exact: unknown, capitalized or padded names are refused") {
  CHECK_FALSE(parse_severity("urgent"));
  CHECK_FALSE(parse_severity("Critical"));
  CHECK_FALSE(parse_severity(" high"));
  CHECK_FALSE(parse_severity(""));
  CHECK_FALSE(parse_state("done"));
  CHECK_FALSE(parse_resolution("fixed"));
  CHECK_FALSE(parse_role("owner"));
  CHECK_FALSE(parse_decision("approved"));
}

TEST_CASE("email parse accepts an ordinary address and keeps it as written") {
  const auto e = Email::parse("Alice.Smith+ci@acme.example");
  REQUIRE(e);
  CHECK(e->str() == "Alice.Smith+ci@acme.example");
  CHECK_FALSE(e->empty());
  CHECK(Email().empty());
  CHECK(Email::parse("a@b"));
}

TEST_CASE("email parse refuses text that could break allowed_signers or a commit header") {
  for (std::string_view bad : {
           "",                           // empty
           "alice",                      // no @
           "@acme.example",              // nothing before @
           "alice@",                     // nothing after @
           "alice@@acme.example",        // two @
           "alice@acme@example",         // two @
           "alice smith@acme.example",   // space
           " alice@acme.example",        // leading space
           "alice@acme.example ",        // trailing space
           "alice,bob@acme.example",     // comma separates principals
           "\"alice\"@acme.example",     // quote
           "<alice@acme.example>",       // angle brackets
           "al*ce@acme.example",         // pattern character
           "alice?@acme.example",        // pattern character
           "!alice@acme.example",        // negation
           "ali\\ce@acme.example",       // backslash
       })
    CHECK_MESSAGE(!Email::parse(bad), "accepted: '", std::string(bad), "'");
}

TEST_CASE("email parse refuses control characters and non-ASCII bytes") {
  for (std::string bad : {std::string("alice\n@acme.example"), std::string("alice\t@acme.example"),
                          std::string("alice@acme.example\r"), std::string("ali\x7f" "ce@acme.example"),
                          std::string("al\xc3\xaf" "ce@acme.example"), std::string("alice\0@acme.example", 19)})
    CHECK(!Email::parse(bad));
}

TEST_CASE("email parse refuses addresses longer than 254 characters") {
  const std::string domain = "@acme.example";
  CHECK(Email::parse(std::string(254 - domain.size(), 'a') + domain));
  CHECK_FALSE(Email::parse(std::string(255 - domain.size(), 'a') + domain));
}

TEST_CASE("emails compare by their text") {
  CHECK(*Email::parse("a@x") == *Email::parse("a@x"));
  CHECK(*Email::parse("a@x") != *Email::parse("b@x"));
  CHECK(*Email::parse("a@x") < *Email::parse("b@x"));
}

TEST_CASE("exception id parse accepts PREFIX-10 Crockford characters and exposes the suffix") {
  const auto id = ExceptionId::parse("EX-7F3A9C2KQD");
  REQUIRE(id);
  CHECK(id->str() == "EX-7F3A9C2KQD");
  CHECK(id->suffix() == "7F3A9C2KQD");
  CHECK(ExceptionId::parse("SEC2-0000000000"));
  CHECK(ExceptionId::parse("ABCDEFGHIJKLMNOP-ZZZZZZZZZZ"));  // a 16-character prefix
  CHECK(ExceptionId().suffix().empty());
}

TEST_CASE("exception id parse refuses malformed ids") {
  for (std::string_view bad : {
           "",
           "EX7F3A9C2KQD",                  // no dash
           "-7F3A9C2KQD",                   // no prefix
           "ex-7F3A9C2KQD",                 // lowercase prefix
           "EX-7f3a9c2kqd",                 // lowercase body (canonical form is uppercase)
           "EX-7F3A9C2KQ",                  // 9 characters
           "EX-7F3A9C2KQDX",                // 11 characters
           "EX-7F3A9C2KQI",                 // I is not Crockford
           "EX-7F3A9C2KQL",                 // L is not Crockford
           "EX-7F3A9C2KQO",                 // O is not Crockford
           "EX-7F3A9C2KQU",                 // U is not Crockford
           "EX_-7F3A9C2KQD",                // bad prefix character
           "ABCDEFGHIJKLMNOPQ-7F3A9C2KQD",  // 17-character prefix
           "EX-7F3A9-2KQD",                 // dash inside the body
       })
    CHECK_MESSAGE(!ExceptionId::parse(bad), "accepted: '", std::string(bad), "'");
}

TEST_CASE("sha256 digest parses with or without the sha256: prefix and prints lowercase hex") {
  const std::string hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const auto a = Sha256Digest::parse("sha256:" + hex);
  const auto b = Sha256Digest::parse(hex);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  CHECK(a->hex() == hex);
  CHECK(a->str() == "sha256:" + hex);
  CHECK(a->bytes()[0] == 0xe3);
  CHECK(a->bytes()[31] == 0x55);

  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
  const auto c = Sha256Digest::parse(upper);
  REQUIRE(c);
  CHECK(c->hex() == hex);
}

TEST_CASE("sha256 digest parse refuses wrong lengths, non-hex and other algorithms") {
  const std::string hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  CHECK_FALSE(Sha256Digest::parse(""));
  CHECK_FALSE(Sha256Digest::parse("sha256:"));
  CHECK_FALSE(Sha256Digest::parse(hex.substr(1)));
  CHECK_FALSE(Sha256Digest::parse(hex + "0"));
  CHECK_FALSE(Sha256Digest::parse("g" + hex.substr(1)));
  CHECK_FALSE(Sha256Digest::parse(" " + hex.substr(1)));
  CHECK_FALSE(Sha256Digest::parse("sha1:" + hex));
  CHECK_FALSE(Sha256Digest::parse("SHA256:" + hex));
  CHECK_FALSE(Sha256Digest::parse("sha256:sha256:" + hex));
}

TEST_CASE("sha256 digest built from bytes round-trips through its text form") {
  Sha256Digest::Bytes bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 8 + 1);
  const Sha256Digest d(bytes);
  CHECK(Sha256Digest::parse(d.str()) == d);
  CHECK(Sha256Digest().hex() == std::string(64, '0'));
  CHECK(Sha256Digest() < d);
}

TEST_CASE("timestamps and durations add and subtract") {
  const Timestamp t{1000};
  CHECK((t + Duration{500}).seconds == 1500);
  CHECK((Timestamp{1500} - t).seconds == 500);
  CHECK((t - Timestamp{1500}).seconds == -500);
  CHECK(Timestamp{1} < Timestamp{2});
  CHECK(Duration{60} == Duration{60});
}
