#pragma once
// The local record index (docs/design.md §10): for every record of a snapshot, its summary
// (core/summary.hpp) and compact JSON, cached under the repository's git directory in
// `docket/index/` — never committed, rebuildable at any time.
//
// Correct by construction: one cache file per fan-out folder of `exceptions/`, named by that
// folder's git tree id, holding each record's blob id (codec/index_file.hpp). A new tip changes
// the ids of the folders it touched and no others, so only those are re-indexed, reusing every
// entry whose blob id did not change; a record's YAML is parsed only when its blob was never
// indexed. Files are written whole and renamed into place, so concurrent processes see a
// complete file or none; a missing, corrupt (digest mismatch) or foreign-version file is rebuilt
// silently, and a cache that cannot be written (a read-only repository) only costs speed.
// Beside the folders, one table per `exceptions` tree id holds every record's fixed fields in
// list order (`table-<tree id>`), so `list` and `check` read one file; a change rebuilds it on
// the next read from the previous table and the changed folders only.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "docket/codec/index_file.hpp"
#include "docket/core/record.hpp"
#include "docket/core/summary.hpp"
#include "docket/store/store.hpp"

namespace docket::app {

using core::UnreadableRecord;

class RecordIndex {
public:
  // The index of `store`'s repository. With `enabled` false nothing is cached: every call parses
  // every record, as docket did before the index (DOCKET_INDEX=off; tests compare both paths).
  explicit RecordIndex(store::Store& store, bool enabled = true);
  ~RecordIndex();
  RecordIndex(const RecordIndex&) = delete;
  RecordIndex& operator=(const RecordIndex&) = delete;

  // Every read below skips a record whose YAML cannot be parsed (a record an older docket wrote
  // and a stricter one refuses, say): it is left out of the result and added to unreadable(),
  // and the folder holding it (and the table) is never cached, so it is found again on the next
  // read and stays visible until repaired.

  // The summaries of every record in `snap`, in path order. Parses the records that are not
  // indexed yet and caches them.
  std::vector<core::RecordSummary> summaries(const store::Snapshot& snap);

  // Whether the index is used (false with DOCKET_INDEX=off: callers then read summaries, which
  // come from parsing every record).
  bool enabled() const { return enabled_; }

  // Calls `use` once with the table of `snap`: every record's fixed fields (id, state, severity,
  // due, title, assignee, deadlines; codec::IndexRow) in `docket list`'s order
  // (codec::list_order), decoded only as `use` visits them, valid during the call only (an empty
  // table when `snap` has no exceptions). The table is one file named by the `exceptions` tree
  // id, mapped read-only; when it is missing, it is built from the previous tip's table and the
  // folders that changed since (or from every folder), written, and the tables no store's tip
  // names are removed. Requires enabled().
  void with_table(const store::Snapshot& snap, const std::function<void(const codec::IndexTable&)>& use);

  // Removes the table of `snap` (one found to disagree with the folder files): the next reader
  // builds it again from the folders. Ignores file-system errors.
  void discard_table(const store::Snapshot& snap);

  // The summaries of the records `ids` names (absent ids are left out), reading only their
  // folders.
  std::map<ExceptionId, core::RecordSummary> summaries_of(const store::Snapshot& snap, const std::vector<ExceptionId>& ids);

  // Calls `sink` with the compact JSON (codec::to_json(record).dump()) of each record in `snap`
  // whose state `keep` accepts, ordered by opening time, then id — the order of `docket list` —
  // reading one text at a time, so memory does not grow with the store.
  void stream_json(const store::Snapshot& snap, const std::function<bool(State)>& keep,
                   const std::function<void(std::string_view)>& sink);

  // Calls `sink` with the id and compact JSON of each record of `snap` that `ids` names, in the
  // order of `ids` (ids `snap` does not hold, or whose record cannot be read, are left out), in
  // memory that grows with `ids` only.
  void stream_json_of(const store::Snapshot& snap, const std::vector<ExceptionId>& ids,
                      const std::function<void(std::string_view id, std::string_view json)>& sink);

  // After a commit from `before` to `after` that wrote `written` (each record with the blob id of
  // its new YAML): indexes the folders the commit touched from the records in memory, without
  // parsing, so the next reader finds the index current. Best effort: cache errors are ignored.
  void record_commit(const store::Snapshot& before, const store::Snapshot& after,
                     const std::vector<std::pair<store::ObjectId, const Record*>>& written);

  // The records the reads so far could not parse, each once, in the order met.
  const std::vector<UnreadableRecord>& unreadable() const { return unreadable_; }

  // The folder holding the cache files (`<git dir>/docket/index`).
  std::filesystem::path directory() const;

  struct Folder;

private:
  std::vector<Folder> folders(const store::Snapshot& snap);
  // Calls `each` with every folder of `snap` in path order, one at a time (read from its file,
  // or built and written), then records the head and prunes when something was built.
  void visit_folders(const store::Snapshot& snap, const std::function<void(Folder&&)>& each);
  // The folder `name` (tree `tree`) from its cache file, else built (reusing `previous`'s file).
  Folder load_folder(const std::string& name, const store::ObjectId& tree, const std::optional<store::ObjectId>& previous);
  // The JSON texts of the records `rank` gives a place (nullopt: left out), ordered by that place,
  // then opening time, then id. Requires enabled().
  void stream_ranked_json(const store::Snapshot& snap,
                          const std::function<std::optional<std::uint64_t>(std::string_view id, State)>& rank,
                          const std::function<void(std::string_view id, std::string_view json)>& sink);
  std::string build_table(const store::Snapshot& snap, const store::ObjectId& top);
  // Removes from `dir` the tables no store's head names, temporary files older than ten minutes
  // and, once folder files outnumber twice the `folders` of this store's tip (plus 64), the
  // folder files no store's head names. File-system errors are ignored (the cache only costs
  // disk).
  void prune_cache(const std::filesystem::path& dir, std::size_t folders);
  Folder build_folder(const std::string& name, const store::ObjectId& tree, const std::optional<store::ObjectId>& previous);
  std::map<ExceptionId, core::RecordSummary> summaries_of_rebuilt(const store::Snapshot& snap, const std::vector<ExceptionId>& ids);
  // Adds `record` to unreadable_ unless it is there already.
  void note_unreadable(UnreadableRecord record);
  // Without the index: notes every entry of exceptions/ that is not a record at its own path
  // (record_entry_problem), as the index's folder builds do.
  void note_layout_problems(const store::Snapshot& snap);

  store::Store& store_;
  bool enabled_;
  // Blob id → the record a commit just wrote, during record_commit only (owned by the caller).
  std::unordered_map<std::string, const Record*> known_;
  std::vector<UnreadableRecord> unreadable_;
};

}  // namespace docket::app
