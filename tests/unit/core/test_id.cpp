// core/id: exception ids, store paths, and resolution of the short forms users type.

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/error.hpp"
#include "docket/core/id.hpp"

using namespace docket;

namespace {
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

ExceptionId id(std::string_view text) {
  const auto parsed = ExceptionId::parse(text);
  REQUIRE_MESSAGE(parsed, "not an id: ", std::string(text));
  return *parsed;
}

std::vector<std::string> strs(const std::vector<ExceptionId>& ids) {
  std::vector<std::string> out;
  for (const auto& i : ids) out.push_back(i.str());
  return out;
}
}  // namespace

TEST_CASE("make_exception_id is deterministic: the same bits give the same id") {
  CHECK(make_exception_id("EX", 0x123456789abcdULL) == make_exception_id("EX", 0x123456789abcdULL));
  CHECK(make_exception_id("EX", 1) != make_exception_id("EX", 2));
}

TEST_CASE("make_exception_id writes the low 50 bits as 10 Crockford characters, most significant first") {
  CHECK(make_exception_id("EX", 0).str() == "EX-0000000000");
  CHECK(make_exception_id("EX", 1).str() == "EX-0000000001");
  CHECK(make_exception_id("EX", 31).str() == "EX-000000000Z");
  CHECK(make_exception_id("EX", 32).str() == "EX-0000000010");
  CHECK(make_exception_id("EX", (std::uint64_t{1} << 50) - 1).str() == "EX-ZZZZZZZZZZ");
  CHECK(make_exception_id("EX", std::uint64_t{31} << 45).str() == "EX-Z000000000");
}

TEST_CASE("make_exception_id ignores bits above the 50th") {
  const std::uint64_t low = 0x2AAAAAAAAAAAAULL;  // 50 bits
  CHECK(make_exception_id("EX", low) == make_exception_id("EX", low | (std::uint64_t{0x3FFF} << 50)));
  CHECK(make_exception_id("EX", ~std::uint64_t{0}).str() == "EX-ZZZZZZZZZZ");
}

TEST_CASE("make_exception_id always gives a parseable id of 10 Crockford characters") {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const auto made = make_exception_id("SEC2", x);
    CHECK(ExceptionId::parse(made.str()) == made);
    REQUIRE(made.suffix().size() == 10);
    for (char c : made.suffix()) CHECK(kCrockford.find(c) != std::string_view::npos);
    CHECK(made.str().starts_with("SEC2-"));
  }
}

TEST_CASE("make_exception_id refuses a bad prefix with a usage error") {
  for (std::string_view bad : {"", "ex", "E-X", "E X", "ABCDEFGHIJKLMNOPQ"}) {
    CHECK_FALSE(valid_id_prefix(bad));
    try {
      (void)make_exception_id(bad, 1);
      FAIL("accepted prefix '", std::string(bad), "'");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage);
      CHECK_FALSE(e.hint().empty());
    }
  }
  CHECK(valid_id_prefix("EX"));
  CHECK(valid_id_prefix("SEC2"));
  CHECK(valid_id_prefix("ABCDEFGHIJKLMNOP"));
}

TEST_CASE("record_path fans out by the first two characters after the prefix") {
  CHECK(record_path(id("EX-7F3A9C2KQD")) == "exceptions/7F/EX-7F3A9C2KQD.yaml");
  CHECK(record_path(id("SEC2-00ZZZZZZZZ")) == "exceptions/00/SEC2-00ZZZZZZZZ.yaml");
}

TEST_CASE("evidence_path fans out by the first two hex digits of the digest") {
  const std::string hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  CHECK(evidence_path(*Sha256Digest::parse(hex)) == "evidence/e3/" + hex);
}

TEST_CASE("match_id: an exact id matches") {
  const std::vector<ExceptionId> ids{id("EX-7F3A9C2KQD"), id("EX-7F3B000000")};
  const auto m = match_id("EX-7F3A9C2KQD", ids);
  CHECK(m.kind == IdMatch::Kind::unique);
  CHECK(m.id.str() == "EX-7F3A9C2KQD");
  CHECK(m.candidates.empty());
}

TEST_CASE("match_id: a unique prefix matches, with or without the id prefix") {
  const std::vector<ExceptionId> ids{id("EX-7F3A9C2KQD"), id("EX-7F3B000000"), id("EX-A000000000")};
  for (std::string_view q : {"EX-7F3A", "7F3A", "7F3A9C2KQD", "EX-A", "A"}) {
    const auto m = match_id(q, ids);
    CHECK_MESSAGE(m.kind == IdMatch::Kind::unique, std::string(q));
  }
  CHECK(match_id("7F3A", ids).id.str() == "EX-7F3A9C2KQD");
  CHECK(match_id("EX-A", ids).id.str() == "EX-A000000000");
}

TEST_CASE("match_id is case-insensitive") {
  const std::vector<ExceptionId> ids{id("EX-7F3A9C2KQD"), id("EX-7F3B000000")};
  for (std::string_view q : {"7f3a", "ex-7f3a", "Ex-7F3a9c2kqd", "7f3a9c2kqd"}) {
    const auto m = match_id(q, ids);
    CHECK_MESSAGE(m.kind == IdMatch::Kind::unique, std::string(q));
    CHECK(m.id.str() == "EX-7F3A9C2KQD");
  }
}

TEST_CASE("match_id: a query without a dash matches the start of the suffix, not any part of the id") {
  const std::vector<ExceptionId> ids{id("EX-7F3A9C2KQD")};
  CHECK(match_id("EX", ids).kind == IdMatch::Kind::none);   // not the id's prefix
  CHECK(match_id("3A9C", ids).kind == IdMatch::Kind::none);  // not the middle
  CHECK(match_id("KQD", ids).kind == IdMatch::Kind::none);   // not the end
}

TEST_CASE("match_id reads Crockford's I and L as 1 and O as 0") {
  const std::vector<ExceptionId> ids{id("EX-10ABCDEFGH"), id("EX-7F3A9C2KQD")};
  for (std::string_view q : {"10AB", "IOAB", "LOAB", "ioab", "loab", "EX-1OAB", "ex-lOab"}) {
    const auto m = match_id(q, ids);
    CHECK_MESSAGE(m.kind == IdMatch::Kind::unique, std::string(q));
    CHECK(m.id.str() == "EX-10ABCDEFGH");
  }
}

// Regression: the Crockford I/L/O mapping applies only after the prefix (`OPS`, `INC`, `LEAK`).
TEST_CASE("match_id finds ids whose prefix contains I, L or O when the prefix is typed") {
  const std::vector<ExceptionId> ids{id("OPS-7F3A9C2KQD"), id("INCIDENT-0000000000")};
  CHECK(match_id("OPS-7F3A9C2KQD", ids).kind == IdMatch::Kind::unique);
  CHECK(match_id("ops-7f3a", ids).kind == IdMatch::Kind::unique);
  CHECK(match_id("INCIDENT-0", ids).kind == IdMatch::Kind::unique);
}

TEST_CASE("match_id with a prefix containing I, L or O still works without the prefix") {
  const std::vector<ExceptionId> ids{id("OPS-7F3A9C2KQD")};
  const auto m = match_id("7f3a", ids);
  CHECK(m.kind == IdMatch::Kind::unique);
  CHECK(m.id.str() == "OPS-7F3A9C2KQD");
}

TEST_CASE("match_id: an ambiguous prefix lists the candidates, sorted") {
  const std::vector<ExceptionId> ids{id("EX-7F3B000000"), id("EX-7F3A9C2KQD"), id("EX-A000000000")};
  const auto m = match_id("7F3", ids);
  CHECK(m.kind == IdMatch::Kind::ambiguous);
  CHECK(strs(m.candidates) == std::vector<std::string>{"EX-7F3A9C2KQD", "EX-7F3B000000"});
  CHECK(match_id("EX-", ids).kind == IdMatch::Kind::ambiguous);
}

TEST_CASE("match_id lists at most 10 candidates, the first 10 in order") {
  std::vector<ExceptionId> ids;
  for (std::uint64_t i = 25; i > 0; --i) ids.push_back(make_exception_id("EX", i));  // EX-00000000xx
  const auto m = match_id("0000", ids);
  CHECK(m.kind == IdMatch::Kind::ambiguous);
  REQUIRE(m.candidates.size() == 10);
  CHECK(m.candidates.front().str() == "EX-0000000001");
  CHECK(m.candidates.back().str() == "EX-000000000A");
}

TEST_CASE("match_id: no match, or an empty query, finds nothing") {
  const std::vector<ExceptionId> ids{id("EX-7F3A9C2KQD")};
  for (std::string_view q : {"", "8", "EX-8", "SEC-7F3A", "7F3A9C2KQDX", "-"}) {
    const auto m = match_id(q, ids);
    CHECK_MESSAGE(m.kind == IdMatch::Kind::none, std::string(q));
    CHECK(m.candidates.empty());
  }
  CHECK(match_id("7F3A", {}).kind == IdMatch::Kind::none);
}

TEST_CASE("fanout_of_query names the one folder a query's ids lie in, when the query gives two characters") {
  CHECK(fanout_of_query("EX-7F3A") == std::optional<std::string>("7F"));
  CHECK(fanout_of_query("7f3a") == std::optional<std::string>("7F"));
  CHECK(fanout_of_query("ol") == std::optional<std::string>("01"));  // read as match_id reads them
  CHECK(fanout_of_query("ACME-ab") == std::optional<std::string>("AB"));
  CHECK_FALSE(fanout_of_query("EX-7"));
  CHECK_FALSE(fanout_of_query("7"));
  CHECK_FALSE(fanout_of_query(""));
  CHECK_FALSE(fanout_of_query("EX-"));
}
