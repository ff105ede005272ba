// `--json` output: a total schema with the YAML field names.

#include <doctest/doctest.h>

#include "codec_samples.hpp"
#include "docket/codec/json.hpp"

using namespace docket;
using nlohmann::json;

TEST_CASE("json has id title state severity") {
  const json j = codec::to_json(test::full_record());
  CHECK(j["id"] == "EX-7F3A9C2KQD");
  CHECK(j["title"] == "svc-billing holds roles/owner in acme-prod");
  CHECK(j["state"] == "pending-approval");
  CHECK(j["severity"] == "high");
  CHECK(j["template"] == "excessive-privilege");
}

TEST_CASE("json uses the yaml field names and rfc 3339 strings") {
  const json j = codec::to_json(test::full_record());
  for (const char* key : {"id",       "title",     "template", "state",  "severity",      "identity",  "owners",
                          "assignee", "opened",    "source",   "due",    "frameworks",    "checklist", "evidence",
                          "requests", "approvals", "outcome",  "review", "recurrence_of", "comments",  "events"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
  CHECK(j.size() == 21);
  CHECK(j["opened"] == json{{"at", "2026-11-23T10:00:00Z"}, {"by", "ci@acme.example"}});
  CHECK(j["due"] == "2026-11-26T10:00:00Z");
  CHECK(j["checklist"][0]["evidence"] == "required");
  CHECK(j["checklist"][0]["done"]["evidence"][1] == "sha256:" + std::string(64, 'b'));
  CHECK(j["checklist"][1]["done"].is_null());
  CHECK(j["evidence"][0]["size"] == 1234);
  CHECK(j["evidence"][0]["added"]["by"] == "alice@acme.example");
  CHECK(j["requests"][0]["expires"] == "2026-12-01T00:00:00Z");
  CHECK(j["requests"][1]["expires"].is_null());
  CHECK(j["approvals"][0]["decision"] == "deny");
  CHECK(j["outcome"]["resolution"] == "accepted");
  CHECK(j["outcome"]["expires"] == "2026-12-01T00:00:00Z");
  CHECK(j["review"]["done"]["by"] == "dave@acme.example");
  CHECK(j["recurrence_of"] == json{"EX-0000000001", "EX-ZZZZZZZZZZ"});
  CHECK(j["comments"][1]["text"] == "line one\nline two\n");
  CHECK(j["events"][0]["action"] == "moved");
}

TEST_CASE("json gives null for absent optionals and empty lists for absent lists") {
  const json j = codec::to_json(test::minimal_record());
  CHECK(j["assignee"].is_null());
  CHECK(j["due"].is_null());
  CHECK(j["outcome"].is_null());
  CHECK(j["review"]["due"].is_null());
  CHECK(j["review"]["done"].is_null());
  for (const char* list : {"owners", "frameworks", "checklist", "evidence", "requests", "approvals", "recurrence_of",
                           "comments", "events"}) {
    CAPTURE(list);
    CHECK(j[list].is_array());
    CHECK(j[list].empty());
  }
  CHECK(j["identity"] == json{{"kind", ""}, {"name", ""}, {"system", ""}});
}

TEST_CASE("policy json") {
  const json j = codec::to_json(test::full_policy());
  CHECK(j["version"] == 1);
  CHECK(j["id_prefix"] == "SEC");
  CHECK(j["sla"]["critical"] == "12h");
  CHECK(j["sla"]["low"] == "1d12h");
  CHECK(j["approvals"]["critical"] == 3);
  CHECK(j["max_acceptance"] == "60d");
  CHECK(j["fail_on"] == json{"expired", "review-overdue", "sla-breach"});
  CHECK(j["teams"]["security"] == json{"sec@acme.example", "alice@acme.example"});
  CHECK(j["teams"]["empty-team"] == json::array());
  CHECK(j["escalation"] == json{"ciso@acme.example"});
  CHECK(j["members"][0]["roles"] == json{"admin", "approver"});
  CHECK(j["members"][2]["roles"] == json::array());
}

TEST_CASE("template json") {
  const json j = codec::to_json(test::full_template());
  CHECK(j["name"] == "excessive-privilege");
  CHECK(j["severity"] == "high");
  CHECK(j["route_to"] == json{"security", "platform"});
  CHECK(j["checklist"][1] == json{{"id", "notify-owner"}, {"text", "Owner notified"}, {"evidence", "none"}});
  CHECK(j.size() == 7);
}
