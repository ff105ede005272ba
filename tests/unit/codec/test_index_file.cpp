// codec/index_file: the record index's folder files read back exactly what was written, and
// every damaged, truncated, foreign or hostile file is refused (nullopt), never misread.

#include <doctest/doctest.h>

#include <random>

#include "codec_samples.hpp"
#include "docket/codec/index_file.hpp"
#include "docket/codec/json.hpp"

using namespace docket;

namespace {

const std::string kTree = "0123456789abcdef0123456789abcdef01234567";

std::vector<codec::IndexEntryInput> sample_entries() {
  std::vector<codec::IndexEntryInput> out;
  Record full = test::full_record();
  out.push_back({full.id.str() + ".yaml", std::string(40, 'a'), core::summarize(full), codec::to_json(full).dump()});
  Record bare;
  bare.id = *ExceptionId::parse("EX-AB00000002");
  bare.title = "";
  out.push_back({bare.id.str() + ".yaml", std::string(40, 'b'), core::summarize(bare), "{}"});
  return out;
}

}  // namespace

TEST_CASE("an index folder file reads back every summary, JSON text and fixed field") {
  const auto entries = sample_entries();
  const std::string file = codec::encode_index_folder(kTree, entries);
  const auto folder = codec::IndexFolder::parse(file, kTree);
  REQUIRE(folder);
  REQUIRE(folder->entries().size() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = folder->entries()[i];
    CHECK(e.name == entries[i].name);
    CHECK(e.blob == entries[i].blob);
    CHECK(e.opened == entries[i].summary.opened.at);
    CHECK(e.state == entries[i].summary.state);
    CHECK(codec::IndexFolder::summary(e) == entries[i].summary);
    const std::string json = file.substr(folder->json_section_offset() + e.json_offset, e.json_size);
    CHECK(json == entries[i].json);
    CHECK(codec::IndexFolder::json_matches(e, json));
    CHECK_FALSE(codec::IndexFolder::json_matches(e, json + " "));
  }
  // A reader of summaries needs only the header and entry section.
  const auto size = codec::index_summary_size(file);
  REQUIRE(size);
  CHECK(codec::IndexFolder::parse(file.substr(0, *size), kTree));
  CHECK_FALSE(codec::IndexFolder::parse(file.substr(0, *size - 1), kTree));
}

TEST_CASE("an empty folder file is valid") {
  const auto folder = codec::IndexFolder::parse(codec::encode_index_folder(kTree, {}), kTree);
  REQUIRE(folder);
  CHECK(folder->entries().empty());
}

TEST_CASE("a folder file for another tree, another format version or with a changed byte is refused") {
  const std::string file = codec::encode_index_folder(kTree, sample_entries());
  CHECK_FALSE(codec::IndexFolder::parse(file, std::string(40, 'f')));
  std::string foreign = file;
  foreign[7] = '\x01';
  CHECK_FALSE(codec::IndexFolder::parse(foreign, kTree));
  const auto size = *codec::index_summary_size(file);
  // Every byte of the header and entry section is covered by the digest.
  for (std::size_t i = 0; i < size; ++i) {
    std::string damaged = file;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    CHECK_FALSE(codec::IndexFolder::parse(damaged, kTree));
  }
  CHECK_FALSE(codec::IndexFolder::parse("", kTree));
  CHECK_FALSE(codec::IndexFolder::parse(std::string(91, 'x'), kTree));
}

TEST_CASE("random bytes and random truncations never crash the reader") {
  const std::string file = codec::encode_index_folder(kTree, sample_entries());
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = file.substr(0, rng() % (file.size() + 1));
    for (int k = 0; k < 3 && !bytes.empty(); ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (const auto folder = codec::IndexFolder::parse(bytes, kTree))
      for (const auto& e : folder->entries()) (void)codec::IndexFolder::summary(e);
  }
}

namespace {

// Rows of a table: two opened at the same second (ordered by id), one earlier, one with every
// optional field set.
std::vector<codec::IndexRow> sample_rows() {
  std::vector<codec::IndexRow> rows(4);
  rows[0].folder = "Z9";
  rows[0].name = "EX-Z900000009.yaml";
  rows[0].opened = Timestamp{200};
  rows[0].title = "late";
  rows[1].folder = "AB";
  rows[1].name = "EX-AB00000001.yaml";
  rows[1].opened = Timestamp{200};
  rows[1].title = "same second, smaller id";
  rows[2].folder = "CD";
  rows[2].name = "EX-CD00000003.yaml";
  rows[2].opened = Timestamp{100};
  rows[2].state = State::closed;
  rows[2].severity = Severity::critical;
  rows[2].due = Timestamp{150};
  rows[2].title = "first \xe2\x9c\x93";
  rows[2].assignee = "a@example.com";
  rows[2].decided = Resolution::accepted;
  rows[2].expires = Timestamp{900};
  rows[2].review_due = Timestamp{950};
  rows[2].review_done = true;
  rows[3].folder = "EF";
  rows[3].name = "LONGPREFIX-EF00000004.yaml";
  rows[3].opened = Timestamp{300};
  return rows;
}

bool same_row(const codec::IndexRow& a, const codec::IndexRow& b) {
  return a.folder == b.folder && a.name == b.name && a.opened == b.opened && a.state == b.state &&
         a.severity == b.severity && a.due == b.due && a.title == b.title && a.assignee == b.assignee &&
         a.decided == b.decided && a.expires == b.expires && a.review_due == b.review_due && a.review_done == b.review_done;
}

std::vector<codec::IndexRow> rows_of(const codec::IndexTable& table) {
  std::vector<codec::IndexRow> out;
  table.for_each([&](const codec::IndexRow& row) { out.push_back(row); });
  return out;
}

}  // namespace

TEST_CASE("a table reads back every row, in list order: opening time, then id") {
  const auto rows = sample_rows();
  const std::string file = codec::encode_index_table(kTree, rows);
  const auto table = codec::IndexTable::parse(file, kTree);
  REQUIRE(table);
  REQUIRE(table->size() == 4);
  const auto back = rows_of(*table);
  REQUIRE(back.size() == 4);
  CHECK(same_row(back[0], rows[2]));
  CHECK(same_row(back[1], rows[1]));
  CHECK(same_row(back[2], rows[0]));
  CHECK(same_row(back[3], rows[3]));
  CHECK(rows_of(*codec::IndexTable::parse(codec::encode_index_table(kTree, {}), kTree)).empty());
}

TEST_CASE("a table for another tree, another format, with a changed byte or rows out of order is refused") {
  const std::string file = codec::encode_index_table(kTree, sample_rows());
  CHECK_FALSE(codec::IndexTable::parse(file, std::string(40, 'f')));
  // A folder file is not a table, nor a table a folder file.
  CHECK_FALSE(codec::IndexTable::parse(codec::encode_index_folder(kTree, sample_entries()), kTree));
  CHECK_FALSE(codec::IndexFolder::parse(file, kTree));
  for (std::size_t i = 0; i < file.size(); ++i) {
    std::string damaged = file;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    CHECK_FALSE(codec::IndexTable::parse(damaged, kTree));
  }
  CHECK_FALSE(codec::IndexTable::parse(file.substr(0, file.size() - 1), kTree));
  CHECK_FALSE(codec::IndexTable::parse(file + "x", kTree));
}

TEST_CASE("random bytes and truncations of a table never crash the reader") {
  const std::string file = codec::encode_index_table(kTree, sample_rows());
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = file.substr(0, rng() % (file.size() + 1));
    for (int k = 0; k < 3 && !bytes.empty(); ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (const auto table = codec::IndexTable::parse(bytes, kTree)) (void)rows_of(*table);
  }
}
