// core/administration: policy set, teams and templates as pure functions of the settings.
#include <doctest/doctest.h>

#include "docket/core/administration.hpp"
#include "docket/core/error.hpp"
#include "docket/core/membership.hpp"
#include "docket/core/time.hpp"
#include "rule_checks.hpp"

using namespace docket;
using namespace docket::core;

namespace {

const Email kAdmin = *Email::parse("admin@example.test");
const Email kBob = *Email::parse("bob@example.test");
const Email kStranger = *Email::parse("stranger@example.test");

StoreSettings settings() {
  StoreSettings s;
  s.policy.members = {Member{kAdmin, "", {Role::admin}}, Member{kBob, "", {Role::responder}}};
  s.policy.teams["security"] = {kAdmin};
  s.policy.escalation = {kAdmin};
  Template t;
  t.name = "leaked-secret";
  t.route_to = {"security"};
  s.templates[t.name] = t;
  return s;
}

StoreSettings run(const StoreSettings& before, const Administration& a, const Email& who = kAdmin,
                  const std::vector<ExceptionId>& in_use = {}) {
  return administer(before, a, Context{who, Timestamp{1'700'000'000}, before.policy}, in_use);
}

std::string refusal(const StoreSettings& before, const Administration& a) {
  try {
    (void)run(before, a);
  } catch (const RuleViolation& v) {
    return v.rule() + ": " + v.what() + " | " + v.hint();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("policy set: each key takes its form and range, and says the range when refused") {
  const StoreSettings s = settings();
  CHECK(run(s, PolicySet{"sla.critical", "12h"}).policy.sla.at(Severity::critical) == Duration{12 * 3600});
  CHECK(run(s, PolicySet{"approvals.high", "3"}).policy.approvals_required.at(Severity::high) == 3);
  CHECK(run(s, PolicySet{"max_acceptance", "30d"}).policy.max_acceptance == Duration{30 * 86400});
  CHECK(run(s, PolicySet{"review_after", "2w"}).policy.review_after == Duration{14 * 86400});
  CHECK(run(s, PolicySet{"expiring_soon", "7d"}).policy.expiring_soon == Duration{7 * 86400});
  CHECK(run(s, PolicySet{"clock_skew", "1m"}).policy.clock_skew == Duration{60});
  CHECK(run(s, PolicySet{"max_evidence_size", "512MiB"}).policy.max_evidence_bytes == 512ULL << 20);
  CHECK(run(s, PolicySet{"fail_on", "expired, review-overdue"}).policy.fail_on == std::set<std::string>{"expired", "review-overdue"});
  CHECK(run(s, PolicySet{"fail_on", "none"}).policy.fail_on.empty());
  CHECK(run(s, PolicySet{"escalation", "bob@example.test,admin@example.test,bob@example.test"}).policy.escalation ==
        std::vector<Email>{kBob, kAdmin});

  // The bounds are inclusive, and every value just outside is refused with the range in words.
  CHECK(run(s, PolicySet{"sla.low", "1m"}).policy.sla.at(Severity::low) == Duration{60});
  CHECK(run(s, PolicySet{"sla.low", "3650d"}).policy.sla.at(Severity::low) == kLongestSetDuration);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"sla.low", "59s"}, {"sla.low", "3651d"}, {"sla.low", "0s"}, {"sla.low", "-1d"}, {"sla.low", ""},
           {"approvals.low", "0"}, {"approvals.low", "101"}, {"approvals.low", "1.5"}, {"approvals.low", "99999999999"},
           {"max_acceptance", "59m"}, {"review_after", "1s"}, {"expiring_soon", "1m"}, {"clock_skew", "1d1s"},
           {"max_evidence_size", "1023"}, {"max_evidence_size", "1TiB1"}, {"max_evidence_size", "2TiB"},
           {"fail_on", "expired,"}, {"fail_on", "sometimes"}, {"escalation", ""}, {"escalation", "not-an-email"}}) {
    CAPTURE(key);
    CAPTURE(value);
    const std::string why = refusal(s, PolicySet{key, value});
    CHECK(why.starts_with("policy-value: "));
    CHECK(why.find(" | give ") != std::string::npos);  // the hint gives the allowed values
  }
  CHECK(refusal(s, PolicySet{"sla.high", "4000d"}).find("from 1m to 3650d") != std::string::npos);
  CHECK(refusal(s, PolicySet{"escalation", "stranger@example.test"}).starts_with("member-known: "));
  CHECK(refusal(s, PolicySet{"sla.critcal", "1d"}).find("did you mean 'sla.critical'") != std::string::npos);
  CHECK(refusal(s, PolicySet{"members", "x"}).starts_with("policy-value: "));
  CHECK(refusal(s, PolicySet{"sla.critical", policy_value(s.policy, "sla.critical")}).starts_with("changes-nothing: "));

  // Every key shows back the value it was set to.
  for (const auto& key : policy_keys()) {
    CAPTURE(key.key);
    CHECK_FALSE(policy_value(s.policy, key.key).empty());
    CHECK_FALSE(key.range.empty());
  }
}

TEST_CASE("administration is for admins only, whatever the command") {
  const StoreSettings s = settings();
  Template t;
  t.name = "new";
  for (const Administration& a : std::vector<Administration>{PolicySet{"sla.low", "1d"}, TeamAdd{"platform", kBob},
                                                             TeamRemove{"security", kAdmin}, TemplateAdd{t},
                                                             TemplateUpdate{s.templates.at("leaked-secret")},
                                                             TemplateRemove{"leaked-secret"}}) {
    CAPTURE(administration_name(a));
    CHECK_REFUSED_BY((void)run(s, a, kBob), "admin-only");
  }
}

TEST_CASE("teams: members only, an emptied team goes unless a template routes to it") {
  StoreSettings s = settings();
  s = run(s, TeamAdd{"platform", kBob});
  CHECK(s.policy.teams.at("platform") == std::vector<Email>{kBob});
  CHECK_REFUSED_BY((void)run(s, TeamAdd{"platform", kBob}), "changes-nothing");
  CHECK_REFUSED_BY((void)run(s, TeamAdd{"platform", kStranger}), "member-known");
  CHECK_REFUSED_BY((void)run(s, TeamAdd{"../etc", kBob}), "policy-value");
  CHECK_REFUSED_BY((void)run(s, TeamRemove{"platform", kAdmin}), "team-known");
  CHECK_REFUSED_BY((void)run(s, TeamRemove{"nope", kAdmin}), "team-known");
  CHECK_REFUSED_BY((void)run(s, TeamRemove{"security", kAdmin}), "team-required");
  s = run(s, TeamRemove{"platform", kBob});
  CHECK_FALSE(s.policy.teams.count("platform"));
}

TEST_CASE("a member in a team or the escalation list is not removed from the store") {
  // Otherwise templates would still route new exceptions to them, and escalate hand them over.
  StoreSettings s = settings();
  s.policy.members.push_back(Member{kStranger, "", {Role::admin}});
  s = run(s, TeamAdd{"platform", kBob});
  const Context ctx{kAdmin, Timestamp{1'700'000'000}, s.policy};
  CHECK_REFUSED_BY((void)remove_member(s.policy, kBob, ctx), "member-in-use");
  try {
    (void)remove_member(s.policy, kBob, ctx);
  } catch (const RuleViolation& v) {
    CHECK(std::string(v.what()).find("team platform") != std::string::npos);
    CHECK(v.hint().find("docket team remove TEAM bob@example.test") != std::string::npos);
  }
  s = run(s, TeamRemove{"platform", kBob});
  CHECK_FALSE(remove_member(s.policy, kBob, ctx).find_member(kBob));
  // The admin is in team security and the escalation list.
  const Context other{kStranger, Timestamp{1'700'000'000}, s.policy};
  CHECK_REFUSED_BY((void)remove_member(s.policy, kAdmin, other), "member-in-use");
}

TEST_CASE("templates: add, update and remove follow the store's state") {
  const StoreSettings s = settings();
  Template t;
  t.name = "mine";
  t.route_to = {"security"};
  const StoreSettings added = run(s, TemplateAdd{t});
  CHECK(added.templates.at("mine") == t);
  CHECK_REFUSED_BY((void)run(added, TemplateAdd{t}), "template-exists");
  Template changed = t;
  changed.description = "revised";
  CHECK(run(added, TemplateUpdate{changed}).templates.at("mine").description == "revised");
  CHECK_REFUSED_BY((void)run(added, TemplateUpdate{t}), "changes-nothing");
  Template other = t;
  other.name = "other";
  CHECK_REFUSED_BY((void)run(added, TemplateUpdate{other}), "template-known");
  Template bad = t;
  bad.name = "../x";
  CHECK_REFUSED_BY((void)run(s, TemplateAdd{bad}), "template-valid");
  bad = t;
  bad.route_to = {"nobody"};
  CHECK_REFUSED_BY((void)run(s, TemplateAdd{bad}), "template-valid");
  const ExceptionId id = *ExceptionId::parse("EX-0000000001");
  CHECK_REFUSED_BY((void)run(added, TemplateRemove{"mine"}, kAdmin, {id}), "template-in-use");
  StoreSettings mapped = added;
  mapped.policy.ingest.templates["gitleaks:aws"] = "mine";
  CHECK_REFUSED_BY((void)run(mapped, TemplateRemove{"mine"}), "template-in-use");
  CHECK_FALSE(run(added, TemplateRemove{"mine"}).templates.count("mine"));
  CHECK_REFUSED_BY((void)run(added, TemplateRemove{"mien"}), "template-known");
}

TEST_CASE("valid_name: the names templates and teams may have") {
  for (const char* good : {"a", "leaked-secret", "v1.2", "A_b", "x9"}) CHECK(valid_name(good));
  for (const char* bad : {"", "-x", ".x", "_x", "a..b", "a/b", "a b", "é"}) CHECK_FALSE(valid_name(bad));
  CHECK(valid_name(std::string(64, 'a')));
  CHECK_FALSE(valid_name(std::string(65, 'a')));
}
