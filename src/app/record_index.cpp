#include "docket/app/record_index.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <tuple>
#include <utility>
#include <set>
#include <system_error>

#include "docket/store/files.hpp"
#include "docket/app/session.hpp"
#include "docket/codec/index_file.hpp"
#include "docket/codec/json.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"
#include "docket/crypto/sha256.hpp"

namespace docket::app {

struct RecordIndex::Folder {
  std::string name;  // the fan-out folder's name under exceptions/
  store::ObjectId tree;
  codec::IndexFolder index;
  bool complete = true;  // false: a record in it could not be parsed (left out, not cached)
};

namespace {

constexpr std::string_view kExceptions = "exceptions";

// An open file descriptor, closed on every path.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// A cache file open for reading, and its size.
struct CacheFile {
  Fd fd;
  std::uint64_t size = 0;
};

// `path` opened for reading when it is a regular file; nullopt otherwise (errno is open's when
// that failed). Never follows a symlink, and never blocks: a FIFO planted under a cache file's
// name must not hang the command.
std::optional<CacheFile> open_cache_file(const std::filesystem::path& path) {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (file.fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return CacheFile{std::move(file), static_cast<std::uint64_t>(st.st_size)};
}

bool read_exactly(int fd, std::uint64_t offset, std::size_t size, std::string& out) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The largest cache file read whole (a folder file of a fan-out folder holds about a thousandth
// of the store: a few megabytes at a million records). Anything larger is damage, rebuilt.
constexpr std::uint64_t kMaxWholeRead = std::uint64_t{256} << 20;

// The header and entry section of a cache file (or the whole file); nullopt when it is missing,
// unreadable, larger than kMaxWholeRead or declares sizes it does not have — the caller rebuilds it.
std::optional<std::string> read_cache_file(const std::filesystem::path& path, bool whole) try {
  const auto file = open_cache_file(path);
  if (!file) return std::nullopt;
  std::string bytes;
  if (whole) {
    if (file->size > kMaxWholeRead || !read_exactly(file->fd.fd, 0, file->size, bytes)) return std::nullopt;
    return bytes;
  }
  if (file->size < codec::kIndexHeaderSize || !read_exactly(file->fd.fd, 0, codec::kIndexHeaderSize, bytes)) return std::nullopt;
  const auto size = codec::index_summary_size(bytes);
  if (!size || *size > file->size || *size > kMaxWholeRead) return std::nullopt;
  std::string rest;
  if (!read_exactly(file->fd.fd, codec::kIndexHeaderSize, *size - codec::kIndexHeaderSize, rest)) return std::nullopt;
  bytes += rest;
  return bytes;
} catch (const std::bad_alloc&) {
  return std::nullopt;
}

bool is_hex_id(std::string_view name) {
  return name.size() == 40 && std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string record_json(const Record& r) { return codec::to_json(r).dump(); }

}  // namespace

RecordIndex::RecordIndex(store::Store& store, bool enabled) : store_(store), enabled_(enabled) {}
RecordIndex::~RecordIndex() = default;

std::filesystem::path RecordIndex::directory() const { return store_.repository().common_dir() / "docket" / "index"; }

namespace {

std::filesystem::path head_path(const std::filesystem::path& dir, const std::string& ref) {
  return dir / ("head-" + crypto::sha256(ref).hex().substr(0, 16));
}

// The tree id a head-* file names: its first 40 bytes, read alone (whatever follows is ignored).
std::optional<store::ObjectId> read_head(const std::filesystem::path& path) {
  const auto file = open_cache_file(path);
  std::string text;
  if (!file || !read_exactly(file->fd.fd, 0, 40, text) || !is_hex_id(text)) return std::nullopt;
  return store::ObjectId{text};
}

// The cache directory is used only when it is a real directory (or can be made one): a symlink
// in its place could point the cache, and its pruning, anywhere.
bool usable_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto status = std::filesystem::symlink_status(dir, ec);
  return !ec && std::filesystem::is_directory(status);
}

void write_cache(const std::filesystem::path& path, std::string_view content) {
  try {
    if (!usable_directory(path.parent_path())) return;
    store::write_file_atomically(path, content, /*durable=*/false);
  } catch (const std::exception&) {
    // A cache that cannot be written (read-only repository, full disk) only costs speed.
  }
}

// Whether the record file `file` (`<ID>.yaml`) belongs in the fan-out folder `folder`: only
// such files are records (record_ids).
bool in_own_folder(std::string_view file, std::string_view folder) {
  const auto id = record_file_id(file);
  return id && id->suffix().substr(0, 2) == folder;
}

// A folder file is named by its tree id alone, and two folders may hold the same tree (a record
// copied by hand into another folder): the file is this folder's only when each of its entries
// belongs here.
bool entries_belong(const codec::IndexFolder& index, std::string_view folder) {
  return std::all_of(index.entries().begin(), index.entries().end(),
                     [&](const codec::IndexFolder::Entry& e) { return in_own_folder(e.name, folder); });
}

}  // namespace

RecordIndex::Folder RecordIndex::build_folder(const std::string& name, const store::ObjectId& tree,
                                              const std::optional<store::ObjectId>& previous) {
  const std::filesystem::path dir = directory();
  // The previous version of this folder, when its cache file is at hand: unchanged blobs keep
  // their entries (checked by digest), so a change re-parses only what it changed.
  std::map<std::string, std::pair<core::RecordSummary, std::string>, std::less<>> reuse;
  if (previous && *previous != tree) {
    if (const auto bytes = read_cache_file(dir / previous->hex, true))
      if (const auto old = codec::IndexFolder::parse(*bytes, previous->hex))
        for (const auto& e : old->entries()) {
          const std::uint64_t at = old->json_section_offset() + e.json_offset;
          if (at > bytes->size() || bytes->size() - at < e.json_size) continue;
          std::string json = bytes->substr(at, e.json_size);
          auto summary = codec::IndexFolder::summary(e);
          if (summary && codec::IndexFolder::json_matches(e, json))
            reuse.emplace(std::string(e.blob), std::pair(std::move(*summary), std::move(json)));
        }
  }
  std::vector<codec::IndexEntryInput> inputs;
  bool complete = true;
  for (const auto& entry : store_.read_tree(tree)) {
    const std::string path = std::string(kExceptions) + "/" + name + "/" + entry.name;
    // Only a file at its id's own path is a record (as record_ids). Anything else in a record's
    // place is named as unreadable (check fails closed on it), and the folder is not cached:
    // its tree may also be another folder's, where the same file is a record.
    if (const auto problem = record_entry_problem(name, entry.name, entry.mode)) {
      note_unreadable({path, *problem});
      complete = false;
      continue;
    }
    const auto id = record_file_id(entry.name);
    codec::IndexEntryInput input{entry.name, entry.id.hex, {}, {}};
    if (const auto it = known_.find(entry.id.hex); it != known_.end()) {
      input.summary = core::summarize(*it->second);
      input.json = record_json(*it->second);
    } else if (const auto old = reuse.find(entry.id.hex); old != reuse.end()) {
      input.summary = std::move(old->second.first);
      input.json = std::move(old->second.second);
    } else {
      try {
        require_record_size(path, store_.object_size(entry.id));  // before the blob is read
        const Record r = parse_record(store_.read_blob(entry.id), path, *id);
        input.summary = core::summarize(r);
        input.json = record_json(r);
      } catch (const Error& e) {
        if (e.code() == ExitCode::internal) throw;
        note_unreadable({path, e.what()});
        complete = false;
        continue;
      }
    }
    inputs.push_back(std::move(input));
  }
  std::string file = codec::encode_index_folder(tree.hex, inputs);
  if (complete) write_cache(dir / tree.hex, file);
  auto parsed = codec::IndexFolder::parse(std::move(file), tree.hex);
  if (!parsed) throw Error(ExitCode::internal, "the record index wrote a folder file it cannot read back");
  return Folder{name, tree, std::move(*parsed), complete};
}

std::vector<RecordIndex::Folder> RecordIndex::folders(const store::Snapshot& snap) {
  std::vector<Folder> out;
  visit_folders(snap, [&](Folder&& folder) { out.push_back(std::move(folder)); });
  return out;
}

void RecordIndex::visit_folders(const store::Snapshot& snap, const std::function<void(Folder&&)>& each) {
  const auto top_id = snap.tree_id(kExceptions);
  if (!top_id) return;
  const std::filesystem::path dir = directory();
  const std::filesystem::path head = head_path(dir, store_.ref());
  const auto last = read_head(head);
  std::optional<std::map<std::string, store::ObjectId>> previous;  // read only when a folder is rebuilt
  const auto previous_of = [&](const std::string& name) -> std::optional<store::ObjectId> {
    if (!previous) {
      previous.emplace();
      if (last && *last != *top_id) try {
          for (auto& e : store_.read_tree(*last))
            if (e.folder()) previous->emplace(e.name, e.id);
        } catch (const Error&) {
          // The tree the head names is gone (a pruned history): nothing to reuse.
        }
    }
    const auto it = previous->find(name);
    return it == previous->end() ? std::nullopt : std::optional(it->second);
  };
  bool wrote = false;
  std::set<std::string> live;
  const bool cached = usable_directory(dir);  // else every folder is built in memory
  const auto top = store_.read_tree(*top_id);
  for (const auto& entry : top) {
    if (const auto problem = record_entry_problem("", entry.name, entry.mode)) {
      note_unreadable({std::string(kExceptions) + "/" + entry.name, *problem});
      continue;
    }
    live.insert(entry.id.hex);
    if (auto bytes = cached ? read_cache_file(dir / entry.id.hex, false) : std::nullopt)
      if (auto parsed = codec::IndexFolder::parse(std::move(*bytes), entry.id.hex); parsed && entries_belong(*parsed, entry.name)) {
        each(Folder{entry.name, entry.id, std::move(*parsed)});
        continue;
      }
    each(build_folder(entry.name, entry.id, previous_of(entry.name)));
    wrote = true;
  }
  if (!cached) return;
  if (!last || *last != *top_id) write_cache(head, top_id->hex + "\n");
  if (wrote) prune_cache(dir, live.size());
}

std::vector<core::RecordSummary> RecordIndex::summaries(const store::Snapshot& snap) {
  if (!enabled_) {
    note_layout_problems(snap);
    return core::summarize(load_records(snap, &unreadable_));
  }
  std::vector<Folder> all = folders(snap);
  std::size_t count = 0;
  for (const auto& folder : all) count += folder.index.entries().size();
  std::vector<core::RecordSummary> out;
  out.reserve(count);
  for (auto& folder : all) {
    const std::size_t start = out.size();
    for (const auto& e : folder.index.entries()) {
      auto s = codec::IndexFolder::summary(e);
      if (!s) break;
      out.push_back(std::move(*s));
    }
    if (out.size() - start != folder.index.entries().size()) {
      // Bytes that passed the digest but do not decode: another writer's format. Rebuild.
      out.resize(start);
      const Folder rebuilt = build_folder(folder.name, folder.tree, std::nullopt);
      for (const auto& e : rebuilt.index.entries()) {
        auto again = codec::IndexFolder::summary(e);
        if (!again) throw Error(ExitCode::internal, "the record index cannot read back the summary of " + std::string(e.name));
        out.push_back(std::move(*again));
      }
    }
  }
  return out;
}

std::map<ExceptionId, core::RecordSummary> RecordIndex::summaries_of_rebuilt(const store::Snapshot& snap,
                                                                             const std::vector<ExceptionId>& ids) {
  std::map<ExceptionId, core::RecordSummary> out;
  for (const auto& id : ids) {
    if (!snap.blob_id(record_path(id))) continue;
    try {
      out.emplace(id, core::summarize(load_record(snap, id)));
    } catch (const Error& e) {
      if (e.code() == ExitCode::internal) throw;
      note_unreadable({record_path(id), e.what()});
    }
  }
  return out;
}

void RecordIndex::note_layout_problems(const store::Snapshot& snap) {
  const auto top = snap.tree_id(kExceptions);
  if (!top) return;
  for (const auto& entry : store_.read_tree(*top)) {
    if (const auto problem = record_entry_problem("", entry.name, entry.mode)) {
      note_unreadable({std::string(kExceptions) + "/" + entry.name, *problem});
      continue;
    }
    for (const auto& file : store_.read_tree(entry.id))
      if (const auto problem = record_entry_problem(entry.name, file.name, file.mode))
        note_unreadable({std::string(kExceptions) + "/" + entry.name + "/" + file.name, *problem});
  }
}

void RecordIndex::note_unreadable(UnreadableRecord record) {
  if (std::find(unreadable_.begin(), unreadable_.end(), record) == unreadable_.end())
    unreadable_.push_back(std::move(record));
}

namespace {

std::string table_name(const store::ObjectId& top) { return "table-" + top.hex; }

// A read-only mapping of a whole table file. MAP_POPULATE maps the file's cached pages in one
// pass instead of one fault per page (on this project's machines a fault costs as much as
// decoding a hundred rows). Cache files are replaced by rename, never rewritten in place, so a
// mapping keeps the version it opened; like git's pack files, a file truncated in place by
// another hand while mapped would fault the reader.
class Mapping {
public:
  static std::optional<Mapping> open(const std::filesystem::path& path) {
    const auto file = open_cache_file(path);
    if (!file || file->size == 0) return std::nullopt;
    const auto size = static_cast<std::size_t>(file->size);
    // The header first: a file whose size is not the one its header declares (a table grown or
    // cut by another hand) is never mapped, so a huge file is never paged in.
    std::string header;
    if (!read_exactly(file->fd.fd, 0, codec::kIndexHeaderSize, header) || codec::index_table_size(header) != size)
      return std::nullopt;
    void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file->fd.fd, 0);
    if (at == MAP_FAILED) return std::nullopt;
    return Mapping(at, size);
  }
  Mapping(Mapping&& o) noexcept : at_(std::exchange(o.at_, nullptr)), size_(o.size_) {}
  Mapping& operator=(Mapping&& o) noexcept {
    std::swap(at_, o.at_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~Mapping() {
    if (at_) ::munmap(at_, size_);
  }
  std::string_view bytes() const { return {static_cast<const char*>(at_), size_}; }

private:
  Mapping(void* at, std::size_t size) : at_(at), size_(size) {}
  void* at_;
  std::size_t size_;
};

}  // namespace

void RecordIndex::prune_cache(const std::filesystem::path& dir, std::size_t folders) {
  std::error_code ec;
  if (!std::filesystem::is_directory(std::filesystem::symlink_status(dir, ec))) return;
  std::vector<std::filesystem::path> heads, folder_files, tables, temporaries;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_hex_id(name)) {
      folder_files.push_back(entry.path());
    } else if (name.starts_with("head-")) {
      heads.push_back(entry.path());
    } else if (name.starts_with("table-")) {
      tables.push_back(entry.path());
    } else if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) {
      std::error_code time_ec;
      const auto written = std::filesystem::last_write_time(entry.path(), time_ec);
      if (!time_ec && now - written > std::chrono::minutes(10)) temporaries.push_back(entry.path());
    }
  }
  if (ec) return;
  // Each change leaves one table behind (one per store at most is live) and the previous
  // version of each folder it touched: the reads below happen only when there is something to
  // remove, so a commit pays a directory listing.
  const bool folders_to_prune = folder_files.size() > 2 * folders + 64;
  if (!folders_to_prune && tables.size() <= heads.size() && temporaries.empty()) return;
  // What every store sharing the directory (every head-* file) still names.
  std::set<std::string> live_folders, live_tables;
  for (const auto& head : heads)
    if (const auto top = read_head(head)) {
      live_tables.insert(table_name(*top));
      if (folders_to_prune) try {
          for (const auto& e : store_.read_tree(*top))
            if (e.folder()) live_folders.insert(e.id.hex);
        } catch (const Error&) {
          // That store's tree is gone: nothing of it to keep.
        }
    }
  for (const auto& path : tables)
    if (!live_tables.count(path.filename().string())) std::filesystem::remove(path, ec);
  if (folders_to_prune)
    for (const auto& path : folder_files)
      if (!live_folders.count(path.filename().string())) std::filesystem::remove(path, ec);
  for (const auto& path : temporaries) std::filesystem::remove(path, ec);
}

RecordIndex::Folder RecordIndex::load_folder(const std::string& name, const store::ObjectId& tree,
                                             const std::optional<store::ObjectId>& previous) {
  const std::filesystem::path dir = directory();
  if (auto bytes = usable_directory(dir) ? read_cache_file(dir / tree.hex, false) : std::nullopt)
    if (auto parsed = codec::IndexFolder::parse(std::move(*bytes), tree.hex); parsed && entries_belong(*parsed, name))
      return Folder{name, tree, std::move(*parsed)};
  return build_folder(name, tree, previous);
}

std::string RecordIndex::build_table(const store::Snapshot& snap, const store::ObjectId& top) {
  const std::filesystem::path dir = directory();
  const bool cached = usable_directory(dir);
  const std::filesystem::path head = head_path(dir, store_.ref());
  // A base: the table of an earlier tip (the newest one left in the directory; a commit moves the
  // head before any table of the new tip exists). The rows of folders whose tree id is the same
  // in both are taken from it, so a change re-reads only the folders it touched.
  std::optional<Mapping> base_bytes;
  std::optional<codec::IndexTable> base;
  std::map<std::string, store::ObjectId> base_folders;
  if (cached) {
    std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> candidates;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with("table-") || !is_hex_id(std::string_view(name).substr(6))) continue;
      std::error_code time_ec;
      const auto written = std::filesystem::last_write_time(entry.path(), time_ec);
      if (!time_ec) candidates.emplace_back(written, entry.path());
    }
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (candidates.size() > 4) candidates.resize(4);
    for (const auto& [written, path] : candidates) {
      const store::ObjectId id{path.filename().string().substr(6)};
      if (id == top || !(base_bytes = Mapping::open(path))) continue;
      if (!(base = codec::IndexTable::parse(base_bytes->bytes(), id.hex))) continue;
      try {
        for (auto& e : store_.read_tree(id))
          if (e.folder()) base_folders.emplace(e.name, e.id);
        break;
      } catch (const Error&) {
        base.reset();  // not a tree of this repository (any more)
        base_folders.clear();
      }
    }
  }
  std::vector<Folder> changed;
  std::set<std::string, std::less<>> unchanged;
  bool top_complete = true;  // no file stands where a fan-out folder belongs
  if (base) {
    for (const auto& entry : store_.read_tree(top)) {
      if (const auto problem = record_entry_problem("", entry.name, entry.mode)) {
        note_unreadable({std::string(kExceptions) + "/" + entry.name, *problem});
        top_complete = false;
        continue;
      }
      const auto it = base_folders.find(entry.name);
      if (it != base_folders.end() && it->second == entry.id)
        unchanged.insert(entry.name);
      else
        changed.push_back(load_folder(entry.name, entry.id, it == base_folders.end() ? std::nullopt : std::optional(it->second)));
    }
  } else {
    const std::size_t noted = unreadable_.size();
    changed = folders(snap);
    // folders() names a file in a folder's place (it is not a folder to return).
    for (std::size_t i = noted; i < unreadable_.size(); ++i)
      if (std::count(unreadable_[i].path.begin(), unreadable_[i].path.end(), '/') == 1) top_complete = false;
  }
  std::vector<codec::IndexRow> added;
  for (const auto& folder : changed)
    for (const auto& e : folder.index.entries()) {
      codec::IndexRow row = e;
      row.folder = folder.name;
      added.push_back(row);
    }
  std::string bytes = codec::encode_index_table(top.hex, base ? *base : codec::IndexTable{},
                                                [&](const codec::IndexRow& row) { return unchanged.count(row.folder) > 0; },
                                                std::move(added));
  // A table missing an unreadable record is never cached: the next reader meets the record
  // (and reports it) again.
  const bool complete = top_complete && std::all_of(changed.begin(), changed.end(), [](const Folder& f) { return f.complete; });
  if (cached && complete) {
    write_cache(dir / table_name(top), bytes);
    if (read_head(head) != top) write_cache(head, top.hex + "\n");
    prune_cache(dir, unchanged.size() + changed.size());
  }
  return bytes;
}

void RecordIndex::with_table(const store::Snapshot& snap, const std::function<void(const codec::IndexTable&)>& use) {
  if (!enabled_) throw Error(ExitCode::internal, "the record index is off: read summaries instead");
  const auto top = snap.tree_id(kExceptions);
  if (!top) {
    use(codec::IndexTable{});
    return;
  }
  const std::filesystem::path dir = directory();
  std::optional<Mapping> mapped;
  std::optional<codec::IndexTable> table;
  if (usable_directory(dir) && (mapped = Mapping::open(dir / table_name(*top))))
    table = codec::IndexTable::parse(mapped->bytes(), top->hex);
  std::string built;
  if (!table) {
    built = build_table(snap, *top);
    table = codec::IndexTable::parse(built, top->hex);
    if (!table) throw Error(ExitCode::internal, "the record index built a table it cannot read back");
  }
  use(*table);
}

void RecordIndex::discard_table(const store::Snapshot& snap) {
  std::error_code ec;
  if (const auto top = snap.tree_id(kExceptions)) std::filesystem::remove(directory() / table_name(*top), ec);
}

std::map<ExceptionId, core::RecordSummary> RecordIndex::summaries_of(const store::Snapshot& snap,
                                                                     const std::vector<ExceptionId>& ids) {
  if (!enabled_) return summaries_of_rebuilt(snap, ids);
  std::map<ExceptionId, core::RecordSummary> out;
  std::map<std::string, std::set<std::string>> wanted;  // folder → file names
  for (const auto& id : ids) wanted[std::string(id.suffix().substr(0, 2))].insert(id.str() + ".yaml");
  for (const auto& [name, files] : wanted) {
    const std::string path = std::string(kExceptions) + "/" + name;
    const auto tree = snap.tree_id(path);
    if (!tree) continue;
    const Folder folder = load_folder(name, *tree, std::nullopt);
    for (const auto& e : folder.index.entries()) {
      if (!files.count(std::string(e.name))) continue;
      auto s = codec::IndexFolder::summary(e);
      if (!s) {
        // Bytes that passed the digest but do not decode: rebuild the folder from its blobs.
        return summaries_of_rebuilt(snap, ids);
      }
      out.emplace(s->id, std::move(*s));
    }
  }
  return out;
}

void RecordIndex::stream_json(const store::Snapshot& snap, const std::function<bool(State)>& keep,
                              const std::function<void(std::string_view)>& sink) {
  if (!enabled_) {
    note_layout_problems(snap);
    auto records = load_records(snap, &unreadable_);
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
      return std::pair(a.opened.at, a.id) < std::pair(b.opened.at, b.id);
    });
    for (const auto& r : records)
      if (keep(r.state)) sink(record_json(r));
    return;
  }
  stream_ranked_json(
      snap, [&](std::string_view, State state) { return keep(state) ? std::optional<std::uint64_t>(0) : std::nullopt; },
      [&](std::string_view, std::string_view json) { sink(json); });
}

void RecordIndex::stream_json_of(const store::Snapshot& snap, const std::vector<ExceptionId>& ids,
                                 const std::function<void(std::string_view id, std::string_view json)>& sink) {
  std::unordered_map<std::string_view, std::uint64_t> rank;
  rank.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) rank.emplace(ids[i].str(), i);
  if (!enabled_) {
    note_layout_problems(snap);
    auto records = load_records(snap, &unreadable_);
    std::erase_if(records, [&](const Record& r) { return !rank.count(r.id.str()); });
    std::sort(records.begin(), records.end(), [&](const Record& a, const Record& b) { return rank.at(a.id.str()) < rank.at(b.id.str()); });
    for (const auto& r : records) sink(r.id.str(), record_json(r));
    return;
  }
  stream_ranked_json(
      snap,
      [&](std::string_view id, State) {
        const auto it = rank.find(id);
        return it == rank.end() ? std::nullopt : std::optional<std::uint64_t>(it->second);
      },
      sink);
}

void RecordIndex::stream_ranked_json(const store::Snapshot& snap,
                                     const std::function<std::optional<std::uint64_t>(std::string_view id, State)>& rank,
                                     const std::function<void(std::string_view id, std::string_view json)>& sink) {
  // Per record only what ordering and reading its text need: the folders' bytes are let go
  // folder by folder, so memory holds one folder and these items, not the whole index.
  struct Item {
    std::uint64_t rank;
    Timestamp opened;
    std::string id;  // `<ID>` (the file name without `.yaml`): ids compare as their names do
    std::uint32_t folder;
    std::uint32_t json_size;
    std::uint64_t json_at;  // from the start of the folder file
    std::array<std::uint8_t, 32> json_digest;
    std::array<char, 40> blob;
  };
  struct FolderRef {
    std::string name;
    store::ObjectId tree;
  };
  std::vector<FolderRef> all;
  std::vector<Item> items;
  visit_folders(snap, [&](Folder&& folder) {
    const auto f = static_cast<std::uint32_t>(all.size());
    all.push_back({folder.name, folder.tree});
    for (const auto& entry : folder.index.entries()) {
      if (entry.blob.size() != 40 || entry.name.size() < 5) continue;
      const auto at = rank(entry.name.substr(0, entry.name.size() - 5), entry.state);
      if (!at) continue;
      Item item{*at, entry.opened, std::string(entry.name.substr(0, entry.name.size() - 5)), f, entry.json_size,
                folder.index.json_section_offset() + entry.json_offset, entry.json_digest, {}};
      std::copy(entry.blob.begin(), entry.blob.end(), item.blob.begin());
      items.push_back(std::move(item));
    }
  });
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.rank, a.opened, a.id) < std::tie(b.rank, b.opened, b.id);
  });
  // A few files open at a time (nullopt: missing or not a regular file): the texts are read one
  // by one, by offset.
  std::map<std::uint32_t, std::optional<CacheFile>> open_files;
  const std::filesystem::path dir = directory();
  const bool cached = usable_directory(dir);
  std::string json;
  for (const Item& item : items) {
    const FolderRef& folder = all[item.folder];
    auto it = open_files.find(item.folder);
    if (it == open_files.end()) {
      if (open_files.size() >= 16) open_files.erase(open_files.begin());
      const auto path = dir / folder.tree.hex;
      std::optional<CacheFile> file = cached ? open_cache_file(path) : std::nullopt;
      if (!file && cached && (errno == EMFILE || errno == ENFILE)) {
        open_files.clear();  // out of descriptors: give ours back and try once more
        if (auto again = open_cache_file(path)) file.emplace(std::move(*again));
      }
      it = open_files.emplace(item.folder, std::move(file)).first;
    }
    const std::optional<CacheFile>& file = it->second;
    // A size the file cannot hold is damage, never a reason to allocate it.
    const bool ok = file && item.json_at <= file->size && file->size - item.json_at >= item.json_size &&
                    read_exactly(file->fd.fd, item.json_at, item.json_size, json);
    if (!ok || crypto::sha256(json).bytes() != item.json_digest) {
      // A damaged, replaced or unwritable file: this record from its blob; the folder is
      // rebuilt next time.
      std::error_code ec;
      if (ok) std::filesystem::remove(dir / folder.tree.hex, ec);
      const std::string path = std::string(kExceptions) + "/" + folder.name + "/" + item.id + ".yaml";
      json = record_json(codec::record_from_yaml(store_.read_blob(store::ObjectId{std::string(item.blob.data(), 40)}), path));
    }
    sink(item.id, json);
  }
}

void RecordIndex::record_commit(const store::Snapshot& before, const store::Snapshot& after,
                                const std::vector<std::pair<store::ObjectId, const Record*>>& written) {
  if (!enabled_ || written.empty()) return;
  struct Forget {
    std::unordered_map<std::string, const Record*>& known;
    ~Forget() { known.clear(); }
  } forget{known_};
  try {
    std::set<std::string> touched;
    known_.reserve(written.size());
    for (const auto& [blob, record] : written) {
      known_[blob.hex] = record;
      touched.insert(std::string(record->id.suffix().substr(0, 2)));
    }
    const std::filesystem::path dir = directory();
    for (const auto& name : touched) {
      const std::string path = std::string(kExceptions) + "/" + name;
      const auto tree = after.tree_id(path);
      if (tree) load_folder(name, *tree, before.tree_id(path));  // built unless already cached
    }
    if (const auto top = after.tree_id(kExceptions)) {
      write_cache(head_path(dir, store_.ref()), top->hex + "\n");
      prune_cache(dir, store_.read_tree(*top).size());
    }
  } catch (const std::exception&) {
    // The commit is made; the index catches up on the next read.
  }
}

}  // namespace docket::app
