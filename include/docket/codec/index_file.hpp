#pragma once
// The on-disk form of one folder of the local record index (app/record_index.hpp,
// docs/design.md §10): for each record file in one fan-out folder of `exceptions/`, its name,
// blob id, summary (core/summary.hpp) and compact JSON (docs/json.md). A file describes exactly
// one git tree, named by that tree's id, so it can never be stale; it is only ever replaced
// whole (write, then rename).
//
// Layout (integers little-endian):
//   magic "DKTIDX" + 2-byte format version                       8 bytes
//   tree id, lowercase hex                                      40 bytes
//   u32 entry count, u64 size of the entry section              12 bytes
//   SHA-256 of the 60 bytes above and the entry section         32 bytes
//   entry section: per entry, in name order: name, blob id (hex), the fixed fields `list` and
//     `check` read (opened time, state, severity, due, title, assignee, outcome resolution and
//     expiry, review due and done), JSON offset (u64, from the start of the JSON section), JSON
//     size (u32), SHA-256 of the JSON, then the whole summary (length-prefixed fields)
//   JSON section: the entries' JSON texts, one after another
// A reader of summaries reads the first three parts only; each JSON text is checked against its
// own digest when read, so `list --json` streams texts in any order in bounded memory.
//
// The table of a whole snapshot (one file per `exceptions` tree id): the fixed fields of every
// record, already in `docket list`'s order, so `list` and `check` read one small file.
//   magic "DKTTBL" + 2-byte format version                       8 bytes
//   tree id of `exceptions`, lowercase hex                      40 bytes
//   u32 row count, u64 size of the row section                  12 bytes
//   SHA-256 of the 60 bytes above and the row section           32 bytes
//   row section: per record, its folder's name, then its name and fixed fields encoded as in a
//     folder file's entry

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/summary.hpp"
#include "docket/core/types.hpp"

namespace docket::codec {

// Bytes before the entry section: magic, tree id, counts, digest.
inline constexpr std::size_t kIndexHeaderSize = 92;

struct IndexEntryInput {
  std::string name;  // the record file's name in its folder, `<ID>.yaml`
  std::string blob;  // its blob id, lowercase hex
  core::RecordSummary summary;
  std::string json;  // codec::to_json(record).dump()
};

// The file for the folder tree `tree` holding `entries` (written in the order given).
std::string encode_index_folder(std::string_view tree, const std::vector<IndexEntryInput>& entries);

// The size of the header plus entry section, read from the first kIndexHeaderSize bytes of a
// folder file; nullopt when they are not a header of this format version.
std::optional<std::uint64_t> index_summary_size(std::string_view header);
// The whole size of a table file, read from its first kIndexHeaderSize bytes; nullopt when they
// are not a table header of this format version.
std::optional<std::uint64_t> index_table_size(std::string_view header);

// The fixed fields of one record that `list` and `check` read (views into the bytes of the file
// they were parsed from).
struct IndexRow {
  std::string_view folder;  // the fan-out folder holding the file (table rows only; empty in a folder file)
  std::string_view name;    // the record file's name, `<ID>.yaml`
  Timestamp opened;
  State state = State::open;
  Severity severity = Severity::medium;
  std::optional<Timestamp> due;
  std::string_view title;
  std::string_view assignee;  // empty: none
  std::optional<Resolution> decided;
  std::optional<Timestamp> expires;
  std::optional<Timestamp> review_due;
  bool review_done = false;
};

// Whether `a` comes before `b` in `docket list`'s order: opening time, then id (the file name
// without its `.yaml`).
bool list_order(const IndexRow& a, const IndexRow& b);


// One table file, checked. Borrows the bytes it was parsed from: they must outlive it. Rows are
// decoded as they are visited, so reading a table allocates nothing per row.
class IndexTable {
public:
  // Checks `bytes` as the table of the `exceptions` tree `tree`; nullopt for anything else
  // (another format version or tree, a failed digest, a truncated or malformed row, rows out of
  // list_order). Never throws for bad bytes.
  static std::optional<IndexTable> parse(std::string_view bytes, std::string_view tree);
  // How many rows the table holds.
  std::uint32_t size() const { return count_; }
  // Calls `each` with every row, in list_order (views into the borrowed bytes).
  template <class Each>
  void for_each(Each&& each) const {
    std::size_t at = 0;
    for (std::uint32_t i = 0; i < count_; ++i) each(row_at(at));
  }

private:
  friend std::string encode_index_table(std::string_view, const IndexTable&, const std::function<bool(const IndexRow&)>&,
                                        std::vector<IndexRow>);
  // The row that starts at `at` in the row section; advances `at` past it. Only for rows parse
  // has checked.
  IndexRow row_at(std::size_t& at) const;

  std::string_view section_;
  std::uint32_t count_ = 0;
};

// The table file of the `exceptions` tree `tree` holding `rows`, sorted into list_order (the
// rows' views need only outlive the call).
std::string encode_index_table(std::string_view tree, std::vector<IndexRow> rows);
// The table file of `tree` holding the rows of `base` that `keep` accepts and the rows `added`,
// in list_order: a new tip's table from the previous one, written without holding its rows.
std::string encode_index_table(std::string_view tree, const IndexTable& base,
                               const std::function<bool(const IndexRow&)>& keep, std::vector<IndexRow> added);

// One folder file's entries, parsed from its header and entry section (the JSON section is read
// separately, by offset). Borrows nothing: views point into the bytes it keeps.
class IndexFolder {
public:
  struct Entry : IndexRow {
    std::string_view blob;
    std::uint64_t json_offset = 0;  // from the start of the JSON section
    std::uint32_t json_size = 0;
    std::array<std::uint8_t, 32> json_digest{};
    std::string_view summary;  // encoded; see summary()
  };
  // Parses `bytes` (at least the header and entry section) as the file of folder `tree`.
  // nullopt when they are anything else: another format version, another tree, a failed digest,
  // a truncated or malformed entry. Never throws for bad bytes.
  static std::optional<IndexFolder> parse(std::string bytes, std::string_view tree);

  const std::vector<Entry>& entries() const { return entries_; }
  // Where the JSON section starts in the file.
  std::uint64_t json_section_offset() const { return kIndexHeaderSize + section_size_; }
  // The decoded summary of `entry`; nullopt when its bytes are malformed (a bug or a foreign
  // writer: the caller rebuilds the folder).
  static std::optional<core::RecordSummary> summary(const Entry& entry);
  // Whether `json` is the text `entry` names (its SHA-256 matches).
  static bool json_matches(const Entry& entry, std::string_view json);

private:
  std::string bytes_;
  std::uint64_t section_size_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace docket::codec
