#pragma once
// Values shared by the codec tests: a record with every field set, a small record for golden
// text, and strings that tempt a YAML writer to get quoting wrong.

#include <string>
#include <vector>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/template.hpp"
#include "docket/core/time.hpp"

namespace docket::test {

inline Email email(std::string_view text) { return Email::parse(text).value(); }
inline ExceptionId exception_id(std::string_view text) { return ExceptionId::parse(text).value(); }
inline Timestamp at(std::string_view rfc3339) { return parse_rfc3339(rfc3339).value(); }
inline Sha256Digest digest(char fill) { return Sha256Digest::parse(std::string(64, fill)).value(); }

// Text that plain YAML would read as another type, break on, or alter.
inline std::vector<std::string> tricky_strings() {
  return {"yes",
          "No",
          "ON",
          "off",
          "y",
          "null",
          "Null",
          "~",
          "true",
          "False",
          "123",
          "0x1F",
          "0o17",
          "1.5",
          "-1",
          "+1",
          ".5",
          ".inf",
          "-.inf",
          ".NaN",
          "1e3",
          "1:30",
          "2026-11-23",
          "2026-11-23T10:00:00Z",
          "=",
          "<<",
          ":",
          "#",
          "a: b",
          "a #b",
          "x #",
          "key:",
          " leading space",
          "trailing space ",
          "  ",
          "-",
          "- dash",
          "--- ",
          "---",
          "...",
          "[bracket",
          "]",
          "{brace",
          "}",
          "*star",
          "&anchor",
          "!bang",
          "%percent",
          "@at",
          "`tick",
          "'single'",
          "\"double\"",
          "|pipe",
          ">greater",
          "?question",
          ",comma",
          "multi\nline",
          "ends with newline\n",
          "\nstarts with newline",
          "\ttab",
          "tab\tinside",
          "carriage\r\nreturn",
          "back\\slash",
          "ünïcödé ✓ 日本語 🔐",
          "\xc2\x85 next line",
          "\xe2\x80\xa8 line separator",
          "\xef\xbb\xbf byte order mark",
          std::string("nul\0inside", 10),
          "\x01\x02\x1f controls",
          "del\x7f",
          "C1\xc2\x9f control",
          "\xe2\x80\xa9 paragraph",
          "mixed ünï \x7f",
          "sha256:" + std::string(64, 'a'),
          "EX-7F3A9C2KQD",
          "alice@acme.example",
          std::string(5000, 'x'),
          std::string(300, 'w') + " " + std::string(300, 'z')};
}

// Every field of a record set, every list with more than one entry.
inline Record full_record() {
  Record r;
  r.id = exception_id("EX-7F3A9C2KQD");
  r.title = "svc-billing holds roles/owner in acme-prod";
  r.template_name = "excessive-privilege";
  r.state = State::pending_approval;
  r.severity = Severity::high;
  r.identity = {"service-account", "svc-billing@acme-prod", "gcp/acme-prod"};
  r.owners = {email("alice@acme.example"), email("platform@acme.example")};
  r.assignee = email("alice@acme.example");
  r.opened = {at("2026-11-23T10:00:00Z"), email("ci@acme.example")};
  r.source = {"gitleaks", "aws-access-key", "sha256:" + std::string(64, 'f'), "infra/main.tf:12"};
  r.due = at("2026-11-26T10:00:00Z");
  r.frameworks = {"OWASP-NHI:NHI5", "NIST-CSF-2.0:RS.MI-01"};
  ChecklistItem reduce{"reduce-privilege", "Privileged access reduced", true, std::nullopt};
  reduce.done = Completion{
      {at("2026-11-24T09:30:00Z"), email("alice@acme.example")}, {digest('a'), digest('b')}, "owner role removed"};
  ChecklistItem rotate{"rotate-key", "Key rotated", false, std::nullopt};
  r.checklist = {reduce, rotate};
  r.evidence = {Evidence{digest('a'),
                         "iam-before.json",
                         1234,
                         "application/json",
                         {at("2026-11-24T09:00:00Z"), email("alice@acme.example")},
                         "policy before reduction"},
                Evidence{digest('b'), "", 0, "", {at("2026-11-24T09:10:00Z"), email("bob@acme.example")}, ""}};
  r.requests = {
      Request{1,
              Resolution::accepted,
              "vendor fix due in Q1",
              at("2026-12-01T00:00:00Z"),
              {"IP allow-list", "alerting on use"},
              {at("2026-11-24T10:00:00Z"), email("alice@acme.example")}},
      Request{
          2, Resolution::remediated, "", std::nullopt, {}, {at("2026-11-25T10:00:00Z"), email("alice@acme.example")}}};
  r.approvals = {Approval{1, Decision::deny, {at("2026-11-24T11:00:00Z"), email("bob@acme.example")}, "too long"},
                 Approval{2, Decision::approve, {at("2026-11-25T11:00:00Z"), email("carol@acme.example")}, ""}};
  r.outcome = Outcome{Resolution::accepted,
                      {at("2026-11-25T12:00:00Z"), email("carol@acme.example")},
                      "approved",
                      at("2026-12-01T00:00:00Z")};
  r.review =
      Review{at("2027-01-01T00:00:00Z"), Stamp{at("2026-12-20T08:00:00Z"), email("dave@acme.example")}, "still needed"};
  r.recurrence_of = {exception_id("EX-0000000001"), exception_id("EX-ZZZZZZZZZZ")};
  r.comments = {Comment{{at("2026-11-23T10:05:00Z"), email("alice@acme.example")}, "looking"},
                Comment{{at("2026-11-23T10:06:00Z"), email("bob@acme.example")}, "line one\nline two\n"}};
  r.events = {Event{{at("2026-11-23T11:00:00Z"), email("alice@acme.example")}, "moved", "open -> triaged"},
              Event{{at("2026-11-23T11:01:00Z"), email("alice@acme.example")}, "assigned", ""}};
  return r;
}

// Only the required fields and a few common ones: the golden-text record.
inline Record small_record() {
  Record r;
  r.id = exception_id("EX-7F3A9C2KQD");
  r.title = "svc-billing holds roles/owner in acme-prod";
  r.template_name = "excessive-privilege";
  r.state = State::remediating;
  r.severity = Severity::high;
  r.identity = {"service-account", "svc-billing@acme-prod", "gcp/acme-prod"};
  r.owners = {email("alice@acme.example")};
  r.opened = {at("2026-11-23T10:00:00Z"), email("ci@acme.example")};
  r.due = at("2026-11-26T10:00:00Z");
  r.checklist = {ChecklistItem{"reduce-privilege", "Privileged access reduced", true, std::nullopt}};
  r.comments = {Comment{{at("2026-11-23T10:05:00Z"), email("alice@acme.example")}, "yes"}};
  return r;
}

// Nothing but what a record must have.
inline Record minimal_record() {
  Record r;
  r.id = exception_id("EX-7F3A9C2KQD");
  r.title = "a title";
  r.state = State::open;
  r.severity = Severity::low;
  r.opened = {at("2026-11-23T10:00:00Z"), email("ci@acme.example")};
  return r;
}

inline Policy full_policy() {
  Policy p;
  p.id_prefix = "SEC";
  p.sla[Severity::critical] = Duration{12 * 3600};
  p.sla[Severity::low] = Duration{36 * 3600};
  p.approvals_required[Severity::critical] = 3;
  p.approvals_required[Severity::low] = 0;
  p.max_acceptance = Duration{60 * 86400};
  p.review_after = Duration{86400 + 3600};
  p.expiring_soon = Duration{7 * 86400};
  p.fail_on = {"expired", "sla-breach", "review-overdue"};
  p.teams = {{"security", {email("sec@acme.example"), email("alice@acme.example")}},
             {"platform", {email("platform@acme.example")}},
             {"empty-team", {}}};
  p.escalation = {email("ciso@acme.example")};
  p.members = {Member{email("alice@acme.example"), "Alice Example", {Role::admin, Role::approver}},
               Member{email("bob@acme.example"), "", {Role::responder}},
               Member{email("carol@acme.example"), "Carol", {}}};
  return p;
}

inline Template full_template() {
  Template t;
  t.name = "excessive-privilege";
  t.description = "An identity holds more privilege than it needs.\nReduce it, or accept with controls.";
  t.severity = Severity::high;
  t.identity_kind = "service-account";
  t.route_to = {"security", "platform"};
  t.frameworks = {"OWASP-NHI:NHI5"};
  t.checklist = {TemplateItem{"reduce-privilege", "Privileged access reduced", true},
                 TemplateItem{"notify-owner", "Owner notified", false}};
  return t;
}

}  // namespace docket::test
