// The local record index (`<git dir>/docket/index/`, codec/index_file.hpp): folder files and
// table files, which any process with write access to `.git` can replace. The input is a whole
// file; before parsing, the target rewrites the header's SHA-256 to match the bytes (the only
// thing a hostile writer could not get wrong by accident), so the parsers' deeper checks are
// reached. The tree id is the one the file names.
// Checks: parse never throws; a file is never accepted for another tree; a table's rows come in
// list order and, written again (encode_index_table, also through the merge of a base table),
// read back as the same rows; a folder's entries decode to summaries that survive encode and
// decode unchanged, and JSON digests are checked without reading out of bounds.

#include <cstring>
#include <vector>

#include "docket/codec/index_file.hpp"
#include "docket/crypto/sha256.hpp"
#include "fuzz_support.hpp"

using namespace docket;
using codec::IndexRow;

namespace {

constexpr std::size_t kTreeOffset = 8;
constexpr std::size_t kTreeSize = 40;
constexpr std::size_t kSectionSizeOffset = 52;
constexpr std::size_t kDigestOffset = 60;

// Rewrites the header digest of `file` to the SHA-256 of its header and section.
void fix_digest(std::string& file) {
  if (file.size() < codec::kIndexHeaderSize) return;
  std::uint64_t section = 0;
  for (std::size_t i = 0; i < 8; ++i)
    section |= static_cast<std::uint64_t>(static_cast<unsigned char>(file[kSectionSizeOffset + i])) << (8 * i);
  if (section > file.size() - codec::kIndexHeaderSize) return;
  crypto::Sha256 hash;
  hash.update(std::string_view(file).substr(0, kDigestOffset));
  hash.update(std::string_view(file).substr(codec::kIndexHeaderSize, static_cast<std::size_t>(section)));
  const auto digest = hash.finish().bytes();
  std::memcpy(file.data() + kDigestOffset, digest.data(), digest.size());
}

bool same_row(const IndexRow& a, const IndexRow& b) {
  return a.folder == b.folder && a.name == b.name && a.opened == b.opened && a.state == b.state &&
         a.severity == b.severity && a.due == b.due && a.title == b.title && a.assignee == b.assignee &&
         a.decided == b.decided && a.expires == b.expires && a.review_due == b.review_due && a.review_done == b.review_done;
}

std::vector<IndexRow> rows_of(const codec::IndexTable& table) {
  std::vector<IndexRow> rows;
  table.for_each([&](const IndexRow& row) { rows.push_back(row); });
  return rows;
}

void check_table(const std::string& file, const std::string& tree) {
  FUZZ_CHECK(codec::index_table_size(file) == file.size());
  const std::vector<IndexRow> rows = rows_of(*codec::IndexTable::parse(file, tree));
  for (std::size_t i = 1; i < rows.size(); ++i) FUZZ_CHECK(!codec::list_order(rows[i], rows[i - 1]));

  // Written again: the same rows (rows that tie in list order may trade places).
  const std::string again = codec::encode_index_table(tree, rows);
  const auto reread = codec::IndexTable::parse(again, tree);
  FUZZ_CHECK(reread && reread->size() == rows.size());
  const std::vector<IndexRow> reread_rows = rows_of(*reread);
  bool ties = false;
  for (std::size_t i = 1; i < rows.size(); ++i) ties = ties || !codec::list_order(rows[i - 1], rows[i]);
  if (!ties) {
    FUZZ_CHECK(again == file);
    for (std::size_t i = 0; i < rows.size(); ++i) FUZZ_CHECK(same_row(rows[i], reread_rows[i]));
  }

  // A new tip's table from this one: every other row kept, the others added back.
  const auto base = codec::IndexTable::parse(file, tree);
  std::vector<IndexRow> added;
  std::size_t index = 0;
  for (const IndexRow& row : rows)
    if (index++ % 2 == 1) added.push_back(row);
  index = 0;
  const std::string merged = codec::encode_index_table(tree, *base, [&](const IndexRow&) { return index++ % 2 == 0; }, added);
  const auto merged_table = codec::IndexTable::parse(merged, tree);
  FUZZ_CHECK(merged_table && merged_table->size() == rows.size());
}

void check_folder(const std::string& file, const std::string& tree) {
  const auto folder = codec::IndexFolder::parse(file, tree);
  FUZZ_CHECK(folder.has_value());
  const auto size = codec::index_summary_size(file);
  FUZZ_CHECK(size && *size == folder->json_section_offset());
  for (const auto& entry : folder->entries()) {
    if (entry.json_offset <= file.size() - folder->json_section_offset()) {
      const std::size_t start = static_cast<std::size_t>(folder->json_section_offset() + entry.json_offset);
      (void)codec::IndexFolder::json_matches(entry, std::string_view(file).substr(start, entry.json_size));
    }
    const auto summary = codec::IndexFolder::summary(entry);
    if (!summary) continue;
    const std::string one = codec::encode_index_folder(tree, {{std::string(entry.name), std::string(entry.blob), *summary, "{}"}});
    const auto reread = codec::IndexFolder::parse(one, tree);
    FUZZ_CHECK(reread && reread->entries().size() == 1);
    FUZZ_CHECK(codec::IndexFolder::summary(reread->entries().front()) == summary);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string file(fuzz::as_text(data, size));
  fix_digest(file);
  const std::string tree = file.size() >= kTreeOffset + kTreeSize ? file.substr(kTreeOffset, kTreeSize) : std::string(kTreeSize, '0');
  std::string other_tree = tree;
  other_tree[0] = other_tree[0] == 'f' ? 'e' : 'f';

  const bool table = codec::IndexTable::parse(file, tree).has_value();
  FUZZ_CHECK(!codec::IndexTable::parse(file, other_tree));
  if (table) check_table(file, tree);
  const bool folder = codec::IndexFolder::parse(file, tree).has_value();
  FUZZ_CHECK(!codec::IndexFolder::parse(file, other_tree));
  if (folder) check_folder(file, tree);
  FUZZ_CHECK(!(table && folder));
  return 0;
}
