// The readers refuse what docket would never write, and say where: `source:line: field 'x': …`.

#include <doctest/doctest.h>

#include <string>

#include "codec_samples.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"

using namespace docket;

namespace {

const std::string kSource = "exceptions/7F/EX-7F3A9C2KQD.yaml";

const std::string kValidRecord =
    "id: EX-7F3A9C2KQD\n"           // 1
    "title: a title\n"              // 2
    "state: open\n"                 // 3
    "severity: high\n"              // 4
    "opened:\n"                     // 5
    "  at: 2026-11-23T10:00:00Z\n"  // 6
    "  by: ci@acme.example\n";      // 7

struct Refusal {
  std::string message;
  std::string hint;
  ExitCode code = ExitCode::ok;
};

// The error reading `text` as a record; fails the test if it was accepted.
Refusal refusal(const std::string& text) {
  try {
    codec::record_from_yaml(text, kSource);
  } catch (const Error& e) {
    return {e.what(), e.hint(), e.code()};
  }
  FAIL("accepted: " << text);
  return {};
}

void check_refused(const std::string& text, const std::string& expected_message) {
  const Refusal r = refusal(text);
  CHECK(r.code == ExitCode::usage);
  CHECK(r.message == expected_message);
  CHECK_FALSE(r.hint.empty());
}

}  // namespace

TEST_CASE("the valid base record used below is accepted") {
  const Record r = codec::record_from_yaml(kValidRecord, kSource);
  CHECK(r.id.str() == "EX-7F3A9C2KQD");
  CHECK(r.severity == Severity::high);
}

TEST_CASE("malformed record names file, line and field") {
  std::string text = kValidRecord;
  text.replace(text.find("severity: high"), 14, "severity: urgent");
  check_refused(text, kSource + ":4: field 'severity': expected one of critical, high, medium, low, got 'urgent'");

  text = kValidRecord;
  text.replace(text.find("2026-11-23T10:00:00Z"), 20, "next tuesday");
  check_refused(text, kSource + ":6: field 'opened.at': 'next tuesday' is not an RFC 3339 time");

  text = kValidRecord;
  text.replace(text.find("ci@acme.example"), 15, "not an email");
  check_refused(text, kSource + ":7: field 'opened.by': 'not an email' is not an e-mail address");

  check_refused("id: ex-1\ntitle: t\n", kSource + ":1: field 'id': 'ex-1' is not an exception id");
  check_refused(kValidRecord + "state2: x\n", kSource + ":8: field 'state2': unknown field");
}

TEST_CASE("invalid YAML syntax names file and line") {
  const Refusal r = refusal("id: EX-7F3A9C2KQD\ntitle: [unclosed\nstate: open\n");
  CHECK(r.code == ExitCode::usage);
  CHECK(r.message.starts_with(kSource + ":"));
  CHECK(r.message.find("invalid YAML") != std::string::npos);

  const Refusal indent = refusal("id: EX-7F3A9C2KQD\n  title: x\n");
  CHECK(indent.message.starts_with(kSource + ":"));
  CHECK(indent.message.find("invalid YAML") != std::string::npos);
}

TEST_CASE("unknown key is refused") {
  const Refusal r = refusal(kValidRecord + "tittle: typo\n");
  CHECK(r.message == kSource + ":8: field 'tittle': unknown field");
  CHECK(r.hint == "did you mean 'title'?");

  const Refusal nested = refusal(kValidRecord + "identity:\n  knd: api-key\n");
  CHECK(nested.message == kSource + ":9: field 'identity.knd': unknown field");
  CHECK(nested.hint == "did you mean 'kind'?");

  const Refusal far = refusal(kValidRecord + "identity:\n  colour: blue\n");
  CHECK(far.hint == "known fields here: kind, name, system");
}

TEST_CASE("duplicate key is refused") {
  check_refused(kValidRecord + "title: another\n", kSource + ":8: field 'title': duplicate key (first at line 2)");
  check_refused(
      "id: EX-7F3A9C2KQD\ntitle: t\nstate: open\nseverity: high\n"
      "opened:\n  at: 2026-11-23T10:00:00Z\n  at: 2026-11-24T10:00:00Z\n  by: ci@acme.example\n",
      kSource + ":7: field 'opened.at': duplicate key (first at line 6)");
  check_refused(
      kValidRecord + "comments:\n  - at: 2026-11-23T10:00:00Z\n    by: a@b.example\n    text: x\n    text: y\n",
      kSource + ":12: field 'comments[0].text': duplicate key (first at line 11)");
}

TEST_CASE("missing required keys are refused") {
  check_refused("title: t\nstate: open\nseverity: high\nopened: {at: 2026-11-23T10:00:00Z, by: ci@acme.example}\n",
                kSource + ":1: field 'id': missing");
  for (const std::string key : {"title", "state", "severity", "opened"}) {
    CAPTURE(key);
    std::string text = kValidRecord;
    const auto start = text.find(key + ":");
    auto end = text.find('\n', start) + 1;
    if (key == "opened") end = text.size();
    text.erase(start, end - start);
    const Refusal r = refusal(text);
    CHECK(r.message == kSource + ":1: field '" + key + "': missing");
  }
  check_refused("id: EX-7F3A9C2KQD\ntitle: t\nstate: open\nseverity: high\nopened:\n  at: 2026-11-23T10:00:00Z\n",
                kSource + ":6: field 'opened.by': missing");
  check_refused(kValidRecord + "comments:\n  - at: 2026-11-23T10:00:00Z\n    by: a@b.example\n",
                kSource + ":9: field 'comments[0].text': missing");
}

TEST_CASE("required key written without a value is refused") {
  check_refused(
      "id: EX-7F3A9C2KQD\ntitle:\nstate: open\nseverity: high\nopened: {at: 2026-11-23T10:00:00Z, by: a@b.example}\n",
      kSource + ":2: field 'title': has no value");
}

TEST_CASE("wrong node types are refused") {
  check_refused(kValidRecord + "owners: alice@acme.example\n",
                kSource + ":8: field 'owners': expected a list, got text");
  check_refused(kValidRecord + "identity: [a, b]\n", kSource + ":8: field 'identity': expected a mapping, got a list");
  std::string text = kValidRecord;
  text.replace(text.find("title: a title"), 14, "title: {a: b}");
  check_refused(text, kSource + ":2: field 'title': expected text, got a mapping");
  check_refused(kValidRecord + "frameworks: [[nested]]\n",
                kSource + ":8: field 'frameworks[0]': expected text, got a list");
}

TEST_CASE("a top level that is not a mapping is refused") {
  check_refused("- a\n- b\n", kSource + ":1: expected an exception record (a YAML mapping), got a list");
  check_refused("just text\n", kSource + ":1: expected an exception record (a YAML mapping), got text");
  check_refused("", kSource + ": expected an exception record (a YAML mapping), got nothing");
  check_refused("# only a comment\n", kSource + ": expected an exception record (a YAML mapping), got nothing");
}

TEST_CASE("invalid values in nested lists are refused with their index") {
  check_refused(kValidRecord + "owners:\n  - a@acme.example\n  - nobody\n",
                kSource + ":10: field 'owners[1]': 'nobody' is not an e-mail address");
  check_refused(kValidRecord + "evidence:\n  - digest: sha256:abc\n",
                kSource + ":9: field 'evidence[0].digest': 'sha256:abc' is not a SHA-256 digest");
  check_refused(kValidRecord + "evidence:\n  - digest: sha256:" + std::string(64, 'a') +
                    "\n    size: -5\n    added: {at: 2026-11-23T10:00:00Z, by: a@b.example}\n",
                kSource + ":10: field 'evidence[0].size': '-5' is not a size in bytes");
  check_refused(kValidRecord + "evidence:\n  - digest: " + std::string(64, 'a') +
                    "\n    size: 1\n    added: {at: 2026-11-23T10:00:00Z, by: a@b.example}\n",
                kSource + ":9: field 'evidence[0].digest': '" + std::string(64, 'a') + "' is not a SHA-256 digest");
  check_refused(kValidRecord +
                    "requests:\n  - round: 0\n    resolution: accepted\n"
                    "    requested: {at: 2026-11-23T10:00:00Z, by: a@b.example}\n",
                kSource + ":9: field 'requests[0].round': '0' is not a whole number from 1 to 1000000");
  check_refused(
      kValidRecord +
          "approvals:\n  - round: 1\n    decision: maybe\n    at: 2026-11-23T10:00:00Z\n    by: a@b.example\n",
      kSource + ":10: field 'approvals[0].decision': expected one of approve, deny, got 'maybe'");
  check_refused(kValidRecord + "checklist:\n  - id: a\n    text: x\n    evidence: yes\n",
                kSource + ":11: field 'checklist[0].evidence': expected one of required, none, got 'yes'");
  check_refused(kValidRecord + "recurrence_of: [EX-7F3A9C2KQD, EX-NOPE]\n",
                kSource + ":8: field 'recurrence_of[1]': 'EX-NOPE' is not an exception id");
  check_refused(kValidRecord + "template: ../../etc/passwd\n",
                kSource + ":8: field 'template': '../../etc/passwd' is not a valid name");
}

TEST_CASE("a checklist id used twice is refused") {
  check_refused(kValidRecord + "checklist:\n  - id: a\n    text: x\n  - id: a\n    text: y\n",
                kSource + ":11: field 'checklist[1]': id 'a' is used twice in the list");
}

TEST_CASE("aliases are refused") {
  check_refused(kValidRecord + "frameworks: &f [a, b]\nfjunk: *f\n",
                kSource + ":9: field 'fjunk': aliases ('*name') are not supported");
  // A "billion laughs" document is refused at its first alias, long before it could expand.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    laughs +=
        std::string(1, c) + ": &" + c + " [*" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + "]\n";
  const Refusal r = refusal(laughs);
  CHECK(r.message.find("aliases") != std::string::npos);
}

TEST_CASE("explicit tags are refused") {
  check_refused(kValidRecord + "frameworks: !!set {a: ~}\n",
                kSource + ":8: field 'frameworks': tag 'tag:yaml.org,2002:set' is not supported");
  check_refused(kValidRecord + "due: !custom 2026-01-01\n",
                kSource + ":8: field 'due': tag '!custom' is not supported");
  // `!!str` only says what every docket value already is.
  CHECK_NOTHROW(codec::record_from_yaml(kValidRecord + "frameworks: [!!str 123]\n", kSource));
}

TEST_CASE("more than one document is refused") {
  check_refused(kValidRecord + "---\nid: EX-7F3A9C2KQD\n", kSource + ":8: more than one YAML document in the file");
}

TEST_CASE("oversized, deeply nested and binary input is refused") {
  const Refusal big = refusal(kValidRecord + "title2: " + std::string(codec::max_yaml_bytes, 'x') + "\n");
  CHECK(big.message.starts_with(kSource + ": is "));
  CHECK(big.message.find("at most 1048576 bytes") != std::string::npos);

  std::string flow_deep = "title: ";
  for (int i = 0; i < 100000; ++i) flow_deep += "{a: ";
  const Refusal deep = refusal(flow_deep + "\n");
  CHECK(deep.message == kSource + ":1: nested more than 32 levels deep");
  CHECK_FALSE(refusal("title: " + std::string(100000, '[') + "\n").message.empty());

  std::string block_deep;
  for (int i = 0; i < 200; ++i) block_deep += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  CHECK(refusal(block_deep).message.find("nested more than 32 levels deep") != std::string::npos);

  check_refused(kValidRecord + "comments: \xff\xfe\n", kSource + ":8: text is not valid UTF-8");
  check_refused(kValidRecord + "title2: a\x01z\n", kSource + ":8: control character in the file");
}

TEST_CASE("non-text keys are refused") {
  const Refusal r = refusal(kValidRecord + "? [a, b]\n: c\n");
  CHECK(r.message == kSource + ":8: a list or mapping used as a key is not supported");
  check_refused(kValidRecord + ": empty key\n", kSource + ":8: empty key");
}

TEST_CASE("errors carry the usage exit code and a hint") {
  const Refusal r = refusal("severity: [\n");
  CHECK(r.code == ExitCode::usage);
  CHECK_FALSE(r.hint.empty());
}

TEST_CASE("escapes that give text docket could not write back are refused") {
  // Found by fuzz/fuzz_policy_yaml (fuzz/corpus/policy_yaml/crash-nel-escape): yaml-cpp reads
  // `\N` and `\_` as the single bytes 0x85 and 0xA0, so a team name read back as invalid UTF-8
  // and writing the policy failed. `\uFFFE` gives a non-character the writer refuses too.
  try {
    codec::policy_from_yaml("version: 1\nteams:\n i:\n \"\\N\n", "docket.yaml");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()) == "docket.yaml:4: field 'teams': an escape gives text that is not UTF-8 docket can write");
  }
  for (const std::string escape : {"\\N", "\\_", "\\uFFFE", "\\uffff", "a\\Nb"}) {
    CAPTURE(escape);
    std::string text = kValidRecord;
    text.replace(text.find("a title"), 7, "\"" + escape + "\"");
    check_refused(text, kSource + ":2: field 'title': an escape gives text that is not UTF-8 docket can write");
  }
  // The same characters written as docket writes them are read.
  std::string escaped = kValidRecord;
  escaped.replace(escaped.find("a title"), 7, "\"\\x85 \\xa0 \\u00e9\"");
  CHECK(codec::record_from_yaml(escaped, kSource).title == "\xc2\x85 \xc2\xa0 \xc3\xa9");
}
