// The commit messages docket writes and the strict reading of replay lines.

#include <doctest/doctest.h>

#include "codec_samples.hpp"
#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/core/error.hpp"

using namespace docket;

namespace {

const ExceptionId kId = test::exception_id("EX-7F3A9C2KQD");

std::string refusal(const std::string& line) {
  try {
    codec::replay_from_json(line);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a command's message: subject, trailers and replay line") {
  const std::string line = codec::command_to_json(kId, core::AddComment{"looks fine"});
  CHECK(codec::command_message("comment", kId, "looks fine", line) ==
        "docket: comment EX-7F3A9C2KQD: looks fine\n\nDocket-Command: comment\nDocket-Record: EX-7F3A9C2KQD\n"
        "Docket-Replay: " + line + "\n");
  CHECK(codec::command_message("approve", kId, "", "{}").starts_with("docket: approve EX-7F3A9C2KQD\n\n"));
}

TEST_CASE("the subject is one line without controls, cut on a character boundary") {
  CHECK(codec::command_message("comment", kId, "first\rsecond", "{}").starts_with("docket: comment EX-7F3A9C2KQD: first\n"));
  CHECK(codec::command_message("comment", kId, "a\tb\x1b[2Jc", "{}").starts_with("docket: comment EX-7F3A9C2KQD: a b [2Jc\n"));
  const std::string long_text = std::string(68, 'x') + "日本語";
  const std::string subject = codec::read_message(codec::command_message("comment", kId, long_text, "{}")).subject;
  CHECK(subject == "docket: comment EX-7F3A9C2KQD: " + std::string(68, 'x') + "...");
}

TEST_CASE("message_mismatch accepts what docket writes and names what differs") {
  const std::string line = codec::command_to_json(kId, core::AddComment{"hello"});
  const std::vector<codec::ReplayInMessage> replays{{line, "comment", kId, "hello"}};
  const std::string good = codec::command_message("comment", kId, "hello", line);
  CHECK_FALSE(codec::message_mismatch(good, replays).has_value());

  std::string lying_subject = good;
  lying_subject.replace(0, lying_subject.find('\n'), "docket: approve EX-7F3A9C2KQD");
  const auto subject_wrong = codec::message_mismatch(lying_subject, replays);
  REQUIRE(subject_wrong.has_value());
  CHECK(subject_wrong->find("subject") != std::string::npos);

  std::string lying_trailer = good;
  lying_trailer.replace(lying_trailer.find("Docket-Command: comment"), 23, "Docket-Command: approve");
  const auto trailer_wrong = codec::message_mismatch(lying_trailer, replays);
  REQUIRE(trailer_wrong.has_value());
  CHECK(trailer_wrong->find("Docket-Command") != std::string::npos);

  CHECK(codec::message_mismatch(good + "Signed-off-by: someone\n", replays).has_value());
  CHECK(codec::message_mismatch("docket: member add x\n\nDocket-Command: member-add\nDocket-Record: EX-7F3A9C2KQD\n", {}).has_value());
  CHECK_FALSE(codec::message_mismatch("docket: member add x\n\nDocket-Command: member-add\n", {}).has_value());
}

TEST_CASE("an ingest message must count what its replay lines do") {
  const auto other = test::exception_id("EX-7F3A9C2KQE");
  const std::string open_line = codec::command_to_json(kId, core::MarkSeen{"again"});
  const std::string seen_line = codec::command_to_json(other, core::MarkNotSeen{"gone"});
  const std::vector<codec::ReplayInMessage> replays{{open_line, "seen-again", kId, ""}, {seen_line, "not-seen", other, ""}};
  const std::string subject = codec::ingest_subject("gitleaks", {0, 1, 1});
  CHECK(subject == "docket: ingest gitleaks: 1 seen again, 1 not seen");
  const std::string good = codec::ingest_message(subject, {{kId, open_line}, {other, seen_line}});
  CHECK_FALSE(codec::message_mismatch(good, replays).has_value());
  const std::string lying = codec::ingest_message("docket: ingest gitleaks: 2 opened", {{kId, open_line}, {other, seen_line}});
  CHECK(codec::message_mismatch(lying, replays).has_value());
  const std::vector<codec::ReplayInMessage> approve{{open_line, "approve", kId, ""}};
  CHECK(codec::message_mismatch(codec::ingest_message(subject, {{kId, open_line}}), approve).has_value());
}

TEST_CASE("an ingest subject cut inside a character is still what docket writes") {
  // Found while writing fuzz/fuzz_replay_json (fuzz/corpus/replay_json/regression-ingest-subject-utf8):
  // tool names whose 97th subject byte falls inside a character are cut before it, so the
  // subject is shorter than 100 bytes, and verify refused the commit docket had just written.
  const std::string line = codec::command_to_json(kId, core::MarkSeen{"again"});
  const std::vector<codec::ReplayInMessage> replays{{line, "seen-again", kId, ""}};
  for (std::size_t pad = 0; pad < 4; ++pad) {
    std::string tools = "x" + std::string(pad, 'y') + ", ";
    for (int i = 0; i < 30; ++i) tools += "\xc3\xa9\xe6\x97\xa5";  // é 日
    const std::string subject = codec::ingest_subject(tools, {0, 1, 0});
    CAPTURE(subject);
    CHECK(subject.size() <= 100);
    CHECK(subject.ends_with("..."));
    CHECK_FALSE(codec::message_mismatch(codec::ingest_message(subject, {{kId, line}}), replays).has_value());
  }
}

TEST_CASE("replay lines docket writes are read back") {
  CHECK(refusal(codec::command_to_json(kId, core::AddComment{"a\r\n\t\"b\" ü"})) == "accepted");
  codec::ReplayOpen open;
  open.title = "t";
  open.identity = Identity{"kind", "name", "system"};
  CHECK(refusal(codec::open_to_json(kId, open)) == "accepted");
  core::Attach attach;
  attach.files.push_back(Evidence{*Sha256Digest::parse(std::string(64, 'a')), "f.txt", 3, "application/octet-stream", {}, ""});
  CHECK(refusal(codec::command_to_json(kId, attach)) == "accepted");
}

TEST_CASE("unknown fields are refused at every level") {
  const std::string id = "\"id\":\"EX-7F3A9C2KQD\"";
  CHECK(refusal("{\"extra\":1," + id + ",\"text\":\"x\",\"verb\":\"comment\"}") ==
        "replay line: unknown field 'extra' in a 'comment' line");
  // A field of another verb is unknown for this one.
  CHECK(refusal("{" + id + ",\"note\":\"\",\"text\":\"x\",\"verb\":\"comment\"}").find("unknown field 'note'") != std::string::npos);
  codec::ReplayOpen open;
  std::string line = codec::open_to_json(kId, open);
  line.replace(line.find("\"kind\":\"\""), 9, "\"kind\":\"\",\"role\":\"admin\"");
  CHECK(refusal(line) == "replay line: unknown field 'role' in field 'identity'");
  line = codec::open_to_json(kId, open);
  line.replace(line.find("\"fingerprint\""), 13, "\"extra\":\"\",\"fingerprint\"");
  CHECK(refusal(line) == "replay line: unknown field 'extra' in field 'source'");
  core::Attach attach;
  attach.files.push_back(Evidence{*Sha256Digest::parse(std::string(64, 'a')), "f.txt", 3, "application/octet-stream", {}, ""});
  line = codec::command_to_json(kId, attach);
  line.replace(line.find("\"digest\""), 8, "\"trusted\":true,\"digest\"");
  CHECK(refusal(line) == "replay line: unknown field 'trusted' in an evidence entry");
}

TEST_CASE("duplicate keys, wrong types and other spellings are refused") {
  const std::string line = codec::command_to_json(kId, core::AddComment{"x"});
  // nlohmann would keep the last of two equal keys: the first would be text verify never read.
  std::string twice = line;
  twice.replace(twice.find("\"text\""), 6, "\"text\":\"y\",\"text\"");
  CHECK(refusal(twice) == "replay line: field 'text' appears twice in one object");
  CHECK(refusal("{\"id\":\"EX-7F3A9C2KQD\",\"text\":7,\"verb\":\"comment\"}") == "replay line: field 'text' is not a string");
  codec::ReplayOpen open;
  std::string line_open = codec::open_to_json(kId, open);
  line_open.replace(line_open.find("\"identity\":{"), 12, "\"identity\":\"x\",\"unused\":{");
  CHECK(refusal(line_open).starts_with("replay line: "));
  CHECK(refusal("[]") == "replay line: not a JSON object");
  // The same command, spaced or ordered another way, or with a field left out.
  std::string spaced = line;
  spaced.replace(spaced.find(":"), 1, ": ");
  CHECK(refusal(spaced).find("canonical form") != std::string::npos);
  CHECK(refusal("{\"verb\":\"comment\",\"id\":\"EX-7F3A9C2KQD\",\"text\":\"x\"}").find("canonical form") != std::string::npos);
  CHECK(refusal("{\"id\":\"EX-7F3A9C2KQD\",\"verb\":\"comment\"}").find("canonical form") != std::string::npos);
  CHECK(refusal("{\"id\":\"EX-7F3A9C2KQD\",\"text\":\"\\u0078\",\"verb\":\"comment\"}").find("canonical form") != std::string::npos);
}

TEST_CASE("an edit's replay line: every field present, null when not given, read back as written") {
  core::Edit edit;
  edit.severity = Severity::critical;
  edit.system = "";
  edit.add_owners = {*Email::parse("bob@acme.example")};
  const std::string line = codec::command_to_json(kId, edit);
  CHECK(line ==
        R"({"add_owners":["bob@acme.example"],"id":"EX-7F3A9C2KQD","identity":null,"remove_owners":[],)"
        R"("severity":"critical","system":"","title":null,"verb":"edit"})");
  const codec::Replay replay = codec::replay_from_json(line);
  REQUIRE(replay.command);
  const auto* back = std::get_if<core::Edit>(&*replay.command);
  REQUIRE(back);
  CHECK(back->severity == Severity::critical);
  CHECK(back->system == std::optional<std::string>(""));
  CHECK_FALSE(back->title);
  CHECK(back->add_owners == edit.add_owners);
  CHECK(codec::describe_replay(replay) == "edit severity critical, system \"\", owner +bob@acme.example");

  core::Edit named;
  named.identity = core::Edit::Name{"token", "t"};
  CHECK(refusal(codec::command_to_json(kId, named)) == "accepted");
  std::string extra = codec::command_to_json(kId, named);
  extra.replace(extra.find(R"("name":"t"})"), 11, R"("name":"t","system":"x"})");
  CHECK(refusal(extra).find("unknown field 'system'") != std::string::npos);
  std::string bad_owner = line;
  bad_owner.replace(bad_owner.find("bob@acme.example"), 16, "not an address");
  CHECK(refusal(bad_owner).find("add_owners") != std::string::npos);
}
