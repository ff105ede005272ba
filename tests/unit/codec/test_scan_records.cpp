// What ingest adds to records and commits: source.missing_since in the canonical YAML and JSON,
// and the replay lines of the not-seen and seen-again marks.

#include <doctest/doctest.h>

#include "codec_samples.hpp"
#include "docket/codec/command_json.hpp"
#include "docket/codec/json.hpp"
#include "docket/codec/yaml.hpp"

using namespace docket;

TEST_CASE("source.missing_since round-trips and is written last in source") {
  Record r = test::full_record();
  r.source.missing_since = test::at("2026-11-30T08:00:00Z");
  const std::string yaml = codec::record_to_yaml(r);
  CHECK(yaml.find("  location: infra/main.tf:12\n  missing_since: 2026-11-30T08:00:00Z\n") != std::string::npos);
  CHECK(codec::record_from_yaml(yaml, "r.yaml") == r);
  CHECK(codec::to_json(r)["source"]["missing_since"] == "2026-11-30T08:00:00Z");
  CHECK(codec::to_json(test::full_record())["source"]["missing_since"].is_null());
  // Absent when unset, so records written before ingest existed read and write back unchanged.
  CHECK(codec::record_to_yaml(test::full_record()).find("missing_since") == std::string::npos);
}

TEST_CASE("a source holding only missing_since is still written") {
  Record r = test::minimal_record();
  r.source.missing_since = test::at("2026-11-30T08:00:00Z");
  CHECK(codec::record_from_yaml(codec::record_to_yaml(r), "r.yaml") == r);
}

TEST_CASE("not-seen and seen-again replay lines round-trip") {
  const auto id = test::exception_id("EX-7F3A9C2KQD");
  for (const core::Command& command : {core::Command{core::MarkNotSeen{"not reported by a complete gitleaks scan"}},
                                       core::Command{core::MarkSeen{"reported again"}}}) {
    const auto replay = codec::replay_from_json(codec::command_to_json(id, command));
    CHECK(replay.id == id);
    REQUIRE(replay.command.has_value());
    CHECK(replay.command->index() == command.index());
    CHECK(core::verb(*replay.command) == core::verb(command));
  }
  CHECK(codec::command_to_json(id, core::MarkNotSeen{"n"}).find("\"verb\":\"not-seen\"") != std::string::npos);
  CHECK(codec::command_to_json(id, core::MarkSeen{"n"}).find("\"verb\":\"seen-again\"") != std::string::npos);
}
