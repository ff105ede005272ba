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
