// Canonical record YAML: every field survives a round trip, output is stable and pinned.

#include <doctest/doctest.h>

#include "codec_samples.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"

using namespace docket;
using docket::test::at;
using docket::test::email;

namespace {

Record round_trip(const Record& r) { return codec::record_from_yaml(codec::record_to_yaml(r), "test.yaml"); }

}  // namespace

TEST_CASE("record round-trips every field") {
  const Record r = test::full_record();
  const Record back = round_trip(r);
  // Field by field first, so a failure names the field.
  CHECK(back.id == r.id);
  CHECK(back.title == r.title);
  CHECK(back.template_name == r.template_name);
  CHECK(back.state == r.state);
  CHECK(back.severity == r.severity);
  CHECK(back.identity == r.identity);
  CHECK(back.owners == r.owners);
  CHECK(back.assignee == r.assignee);
  CHECK(back.opened == r.opened);
  CHECK(back.source == r.source);
  CHECK(back.due == r.due);
  CHECK(back.frameworks == r.frameworks);
  CHECK(back.checklist == r.checklist);
  CHECK(back.evidence == r.evidence);
  CHECK(back.requests == r.requests);
  CHECK(back.approvals == r.approvals);
  CHECK(back.outcome == r.outcome);
  CHECK(back.review == r.review);
  CHECK(back.recurrence_of == r.recurrence_of);
  CHECK(back.comments == r.comments);
  CHECK(back.events == r.events);
  CHECK(back == r);
}

TEST_CASE("record with only required fields round-trips") {
  const Record r = test::minimal_record();
  CHECK(round_trip(r) == r);
}

TEST_CASE("record with an empty title round-trips") {
  Record r = test::minimal_record();
  r.title = "";
  CHECK(round_trip(r) == r);
}

TEST_CASE("strings that look like YAML scalars round-trip") {
  for (const std::string& tricky : test::tricky_strings()) {
    CAPTURE(tricky);
    Record r = test::full_record();
    r.title = tricky;
    r.identity.kind = tricky;
    r.identity.name = tricky;
    r.source.location = tricky;
    r.frameworks = {tricky, "plain", tricky};
    r.checklist[0].text = tricky;
    r.checklist[0].done->note = tricky;
    r.evidence[0].name = tricky;
    r.evidence[0].media_type = tricky;
    r.evidence[0].note = tricky;
    r.requests[0].reason = tricky;
    r.requests[0].controls = {tricky};
    r.approvals[0].note = tricky;
    r.outcome->reason = tricky;
    r.review.note = tricky;
    r.comments[0].text = tricky;
    r.events[0].action = tricky;
    r.events[0].detail = tricky;
    const std::string yaml = codec::record_to_yaml(r);
    CAPTURE(yaml);
    CHECK(codec::record_from_yaml(yaml, "test.yaml") == r);
  }
}

TEST_CASE("values other YAML readers would retype are quoted") {
  Record r = test::minimal_record();
  for (const std::string text : {"yes", "no", "null", "~", "123", "1.5", "true", "off", "2026-01-01"}) {
    CAPTURE(text);
    r.title = text;
    CHECK(codec::record_to_yaml(r).find("title: \"" + text + "\"\n") != std::string::npos);
  }
  r.title = "plain words stay plain";
  CHECK(codec::record_to_yaml(r).find("title: plain words stay plain\n") != std::string::npos);
}

TEST_CASE("canonical output is stable (golden text)") {
  const std::string expected =
      "id: EX-7F3A9C2KQD\n"
      "title: svc-billing holds roles/owner in acme-prod\n"
      "template: excessive-privilege\n"
      "state: remediating\n"
      "severity: high\n"
      "identity:\n"
      "  kind: service-account\n"
      "  name: svc-billing@acme-prod\n"
      "  system: gcp/acme-prod\n"
      "owners:\n"
      "  - alice@acme.example\n"
      "opened:\n"
      "  at: 2026-11-23T10:00:00Z\n"
      "  by: ci@acme.example\n"
      "due: 2026-11-26T10:00:00Z\n"
      "checklist:\n"
      "  - id: reduce-privilege\n"
      "    text: Privileged access reduced\n"
      "    evidence: required\n"
      "comments:\n"
      "  - at: 2026-11-23T10:05:00Z\n"
      "    by: alice@acme.example\n"
      "    text: \"yes\"\n";
  CHECK(codec::record_to_yaml(test::small_record()) == expected);
  CHECK(codec::record_from_yaml(expected, "golden.yaml") == test::small_record());
}

TEST_CASE("canonical output of a full record keeps the field order of the struct") {
  const std::string yaml = codec::record_to_yaml(test::full_record());
  const char* const order[] = {
      "\nid:",       "\ntitle:",     "\ntemplate:", "\nstate:",  "\nseverity:",      "\nidentity:",  "\nowners:",
      "\nassignee:", "\nopened:",    "\nsource:",   "\ndue:",    "\nframeworks:",    "\nchecklist:", "\nevidence:",
      "\nrequests:", "\napprovals:", "\noutcome:",  "\nreview:", "\nrecurrence_of:", "\ncomments:",  "\nevents:"};
  const std::string text = "\n" + yaml;
  std::size_t previous = 0;
  for (const char* key : order) {
    CAPTURE(key);
    const std::size_t position = text.find(key);
    REQUIRE(position != std::string::npos);
    CHECK(position >= previous);
    previous = position;
  }
}

TEST_CASE("writing is deterministic and reading then writing changes nothing") {
  const std::string once = codec::record_to_yaml(test::full_record());
  CHECK(codec::record_to_yaml(test::full_record()) == once);
  CHECK(codec::record_to_yaml(codec::record_from_yaml(once, "x.yaml")) == once);
}

TEST_CASE("empty optional fields are omitted") {
  const std::string yaml = codec::record_to_yaml(test::minimal_record());
  CHECK(yaml ==
        "id: EX-7F3A9C2KQD\n"
        "title: a title\n"
        "state: open\n"
        "severity: low\n"
        "opened:\n"
        "  at: 2026-11-23T10:00:00Z\n"
        "  by: ci@acme.example\n");
}

TEST_CASE("timestamps with offsets and fractions are read as UTC whole seconds") {
  const Record r = codec::record_from_yaml(
      "id: EX-7F3A9C2KQD\ntitle: t\nstate: open\nseverity: low\n"
      "opened: {at: '2026-11-23T12:00:00.75+02:00', by: ci@acme.example}\ndue: 2026-11-26\n",
      "x.yaml");
  CHECK(r.opened.at == at("2026-11-23T10:00:00Z"));
  CHECK(r.due == at("2026-11-26T00:00:00Z"));
  CHECK(codec::record_to_yaml(r).find("  at: 2026-11-23T10:00:00Z\n") != std::string::npos);
}

TEST_CASE("flow style and null values written by hand are accepted") {
  const Record r = codec::record_from_yaml(
      "id: EX-7F3A9C2KQD\n"
      "title: t\n"
      "state: open\n"
      "severity: low\n"
      "opened: {at: 2026-11-23T10:00:00Z, by: ci@acme.example}\n"
      "owners: [a@acme.example, b@acme.example]\n"
      "assignee: ~\n"
      "outcome: null\n"
      "frameworks:\n"
      "review: {due: 2027-01-01T00:00:00Z}\n",
      "x.yaml");
  CHECK(r.owners == std::vector<Email>{email("a@acme.example"), email("b@acme.example")});
  CHECK_FALSE(r.assignee.has_value());
  CHECK_FALSE(r.outcome.has_value());
  CHECK(r.frameworks.empty());
  CHECK(r.review.due == at("2027-01-01T00:00:00Z"));
}

TEST_CASE("writing text that is not UTF-8 is refused") {
  Record r = test::minimal_record();
  for (const std::string bad :
       {"bad \xff byte", "overlong \xc0\xaf", "cut \xe2\x80", "surrogate \xed\xa0\x80", "noncharacter \xef\xbf\xbf"}) {
    CAPTURE(bad);
    r.title = bad;
    try {
      codec::record_to_yaml(r);
      FAIL("written");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage);
      CHECK(std::string(e.what()) == "cannot write field 'title': text is not valid UTF-8");
    }
  }
}

// The writer double-quotes and escapes every control character, so any YAML 1.2 reader reads the
// text docket reads (a raw CR or tab in a plain scalar would be folded or stripped). NUL is
// accepted: it is written as the escape "\0" and reads back as NUL.
TEST_CASE("control characters are written as escapes inside double quotes and read back unchanged") {
  struct Case {
    std::string text;
    std::string written;
  };
  const std::vector<Case> cases{
      {"ends with CR\r", "\"ends with CR\\r\""},
      {"\rstarts with CR", "\"\\rstarts with CR\""},
      {"crlf\r\nline", "\"crlf\\r\\nline\""},
      {"tab\tinside", "\"tab\\tinside\""},
      {"trailing tab\t", "\"trailing tab\\t\""},
      {std::string("nul\0x", 5), "\"nul\\0x\""},
      {"bell\x07", "\"bell\\a\""},
      {"esc\x1b[31m", "\"esc\\e[31m\""},
      {"del\x7f", "\"del\\x7f\""},
      {"rtl \xe2\x80\xae override", "\"rtl \\u202e override\""},
      {"isolate \xe2\x81\xa6x\xe2\x81\xa9", "\"isolate \\u2066x\\u2069\""},
      {"bom \xef\xbb\xbf", "\"bom \\ufeff\""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    Record r = test::minimal_record();
    r.title = c.text;
    const std::string yaml = codec::record_to_yaml(r);
    CAPTURE(yaml);
    const auto line_start = yaml.find("title: ");
    REQUIRE(line_start != std::string::npos);
    const std::string line = yaml.substr(line_start + 7, yaml.find('\n', line_start) - line_start - 7);
    // yaml-cpp may pick \x.. or \u.... for one character; both are YAML 1.2 escapes.
    if (line != c.written) {
      CHECK(line.front() == '"');
      CHECK(line.back() == '"');
    }
    for (const char ch : line) CHECK((static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F));
    CHECK(codec::record_from_yaml(yaml, "test.yaml") == r);
  }
}

TEST_CASE("non-ASCII text without controls stays readable") {
  Record r = test::minimal_record();
  r.title = "ünïcödé ✓ 日本語 🔐";
  CHECK(codec::record_to_yaml(r).find("title: ünïcödé ✓ 日本語 🔐\n") != std::string::npos);
}
