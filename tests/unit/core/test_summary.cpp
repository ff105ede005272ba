// core/summary: what the record index keeps of a record, and the look-ups built on it.

#include <doctest/doctest.h>

#include "docket/core/summary.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
const Email kAlice = *Email::parse("alice@acme.example");

Record record(std::string_view id, std::string name, std::string system, std::string fingerprint) {
  Record r;
  r.id = *ExceptionId::parse(id);
  r.opened = {kT0, kAlice};
  r.identity = {"service-account", std::move(name), std::move(system)};
  r.source.fingerprint = std::move(fingerprint);
  return r;
}

}  // namespace

TEST_CASE("a summary keeps the first decision, the outcome without its reason and whether the review is done") {
  Record r = record("EX-AAAAAAAAAA", "svc", "gcp", "fp");
  r.approvals = {{1, Decision::deny, {kT0 + Duration{60}, kAlice}, ""}, {2, Decision::approve, {kT0 + Duration{120}, kAlice}, ""}};
  r.outcome = Outcome{Resolution::accepted, {kT0 + Duration{120}, kAlice}, "long reason", kT0 + Duration{86400}};
  r.review.due = kT0 + Duration{7200};
  r.review.done = Stamp{kT0 + Duration{3600}, kAlice};
  const RecordSummary s = summarize(r);
  CHECK(s.first_decision == kT0 + Duration{60});
  REQUIRE(s.outcome);
  CHECK(s.outcome->resolution == Resolution::accepted);
  CHECK(s.outcome->expires == kT0 + Duration{86400});
  CHECK(s.review_due == r.review.due);
  CHECK(s.review_done);
  CHECK(s.identity == r.identity);
}

TEST_CASE("recurrences are found by identity or fingerprint, each record once, sorted") {
  const std::vector<RecordSummary> records = summarize(std::vector<Record>{
      record("EX-CCCCCCCCCC", "svc", "gcp", "fp-1"), record("EX-AAAAAAAAAA", "svc", "gcp", ""),
      record("EX-BBBBBBBBBB", "other", "gcp", "fp-1"), record("EX-DDDDDDDDDD", "svc", "aws", "")});
  const RecurrenceLookup lookup(records);
  const auto both = lookup.find({"service-account", "svc", "gcp"}, "fp-1");
  REQUIRE(both.size() == 3);
  CHECK(both[0].str() == "EX-AAAAAAAAAA");
  CHECK(both[1].str() == "EX-BBBBBBBBBB");
  CHECK(both[2].str() == "EX-CCCCCCCCCC");
  CHECK(lookup.find({"service-account", "svc", "aws"}, "").size() == 1);
  CHECK(lookup.find({}, "").empty());
  CHECK(lookup.find({"service-account", "", "gcp"}, "").empty());  // no name: identity does not match
}

TEST_CASE("the open record with a fingerprint is found; closed ones and empty fingerprints are not") {
  std::vector<Record> rs{record("EX-AAAAAAAAAA", "", "", "fp"), record("EX-BBBBBBBBBB", "", "", "fp")};
  rs[0].state = State::closed;
  const auto records = summarize(rs);
  const RecordSummary* open = find_open_by_fingerprint(records, "fp");
  REQUIRE(open);
  CHECK(open->id.str() == "EX-BBBBBBBBBB");
  CHECK_FALSE(find_open_by_fingerprint(records, ""));
}
