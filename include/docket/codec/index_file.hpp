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

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/summary.hpp"

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
// file; nullopt when they are not a header of this format version.
std::optional<std::uint64_t> index_summary_size(std::string_view header);

// One folder file's entries, parsed from its header and entry section (the JSON section is read
// separately, by offset). Borrows nothing: views point into the bytes it keeps.
class IndexFolder {
public:
  struct Entry {
    std::string_view name;
    std::string_view blob;
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
