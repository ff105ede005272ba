// The replay line and message of administration commands (codec/command_json, commit_message).
#include <doctest/doctest.h>

#include <algorithm>

#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/core/error.hpp"

using namespace docket;

TEST_CASE("administration replay lines round-trip and only in canonical form") {
  Template t;
  t.name = "my-template";
  t.description = "not in the line";
  const Email bob = *Email::parse("bob@example.test");
  for (const core::Administration& a :
       std::vector<core::Administration>{core::PolicySet{"sla.critical", "12h"}, core::TeamAdd{"platform", bob},
                                         core::TeamRemove{"platform", bob}, core::TemplateAdd{t}, core::TemplateUpdate{t},
                                         core::TemplateRemove{"my-template"}}) {
    const std::string line = codec::admin_to_json(a);
    CAPTURE(line);
    const auto back = codec::admin_from_json(line);
    REQUIRE(back);
    CHECK(codec::admin_to_json(*back) == line);
    CHECK(core::administration_name(*back) == core::administration_name(a));
    const auto& names = core::administration_names();
    CHECK(std::find(names.begin(), names.end(), core::administration_name(a)) != names.end());
    // The message carries the line and the command, and verify accepts exactly it.
    const std::string message = codec::admin_message(a);
    CHECK(message.find("Docket-Replay: " + line + "\n") != std::string::npos);
    CHECK(message.find("Docket-Command: " + std::string(core::administration_name(a)) + "\n") != std::string::npos);
    CHECK_FALSE(codec::admin_message_mismatch(message, a));
    CHECK(codec::admin_message_mismatch(message + "extra\n", a));
  }
  CHECK(codec::admin_message(core::PolicySet{"sla.critical", "12h"}).starts_with("docket: policy set sla.critical 12h\n\n"));
  // A template's content is the file the commit writes, never the line.
  CHECK(codec::admin_to_json(core::TemplateAdd{t}).find("not in the line") == std::string::npos);

  // A record's replay line is not an administration command's.
  CHECK_FALSE(codec::admin_from_json(R"({"id":"EX-0000000001","text":"hi","verb":"comment"})"));
  for (const char* bad : {R"({"verb":"policy-set","key":"sla.critical","value":"12h"})",  // not canonical order
                          R"({"key":"sla.critical","value":"12h","verb":"policy-set","x":1})",
                          R"({"key":"sla.critical","value":12,"verb":"policy-set"})",
                          R"({"member":"not an email","team":"t","verb":"team-add"})",
                          R"({"template":"x","verb":"template-add","key":"y"})", R"(["policy-set"])"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS((void)codec::admin_from_json(bad), Error);
  }
  // Control characters in a value never reach the subject line.
  const std::string message = codec::admin_message(core::PolicySet{"fail_on", "expired\n\x1b[31mx"});
  CHECK(message.substr(0, message.find("\n\n")).find('\x1b') == std::string::npos);
}

TEST_CASE("a commit without a replay line may not claim to be an administration command") {
  // An admin's hand-made commit of docket.yaml is still accepted, but its message may not read
  // like `docket policy set` in git log while the tree holds some other change.
  CHECK(codec::message_mismatch("docket: policy set sla.critical 12h\n\nDocket-Command: policy-set\n", {}));
  CHECK(codec::message_mismatch("docket: policy set sla.critical 12h\n", {}));
  CHECK(codec::message_mismatch("raise the bar\n\nDocket-Command: team-add\n", {}));
  CHECK(codec::message_mismatch("raise the bar\n\nDocket-Command: template-remove", {}));
  CHECK(codec::message_mismatch("docket: template remove old\n", {})->find("no replay line") != std::string::npos);
  // What docket writes without a replay line, and a plain hand-made message, stay accepted.
  CHECK_FALSE(codec::message_mismatch("docket: member add bob@example.test (responder)\n\nDocket-Command: member-add\n"
                                      "Docket-Member: bob@example.test\n",
                                      {}));
  CHECK_FALSE(codec::message_mismatch("docket: init store\n\nDocket-Command: init\n", {}));
  CHECK_FALSE(codec::message_mismatch("tighten the critical SLA by hand\n", {}));
  CHECK_FALSE(codec::message_mismatch("docket: policy settings reviewed\n", {}));
}
