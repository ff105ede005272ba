#pragma once
// The git-backed store (docs/design.md §2, §6): one ref in any repository, bare or not.
// docket never touches a work tree or the index: it writes objects and moves its ref, and the
// ref moves last, so a process killed at any point leaves the store valid.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "docket/core/types.hpp"
#include "docket/crypto/signer.hpp"

namespace docket::store {

// A git object id in lowercase hex (40 characters for SHA-1 repositories).
struct ObjectId {
  std::string hex;
  bool empty() const { return hex.empty(); }
  auto operator<=>(const ObjectId&) const = default;
};

// Holds libgit2's global state while it lives. Opening a Repository initialises libgit2 for the
// rest of the process by itself; tests create one to control set-up and shut-down.
class LibGit2 {
public:
  LibGit2();
  ~LibGit2();
  LibGit2(const LibGit2&) = delete;
  LibGit2& operator=(const LibGit2&) = delete;
};

// Which config files git reads instead of its defaults, from git's own environment variables
// (git-config(1) ENVIRONMENT): GIT_CONFIG_GLOBAL replaces ~/.gitconfig and
// $XDG_CONFIG_HOME/git/config (an empty value: no global file), GIT_CONFIG_SYSTEM replaces
// /etc/gitconfig, GIT_CONFIG_NOSYSTEM (a git boolean) skips the system file.
struct ConfigSources {
  std::optional<std::filesystem::path> global;
  std::optional<std::filesystem::path> system;
  bool no_system = false;
  bool overrides() const noexcept { return global || system || no_system; }
};

// One open repository. A Repository, and every Snapshot, Store and BlobWriter made from it, is
// used by one thread at a time; concurrent writers each open their own (the ref's compare-and-
// swap keeps them consistent, as it does for separate processes).
class Repository {
public:
  // Opens the repository at or above `start`, like git does (GIT_DIR-style discovery, bare or
  // not). Throws Error(ExitCode::store) naming `start` when none is found.
  static Repository discover(const std::filesystem::path& start);
  // The same, but nullopt when there is no repository at or above `start` (other failures,
  // such as an unreadable repository, still throw).
  static std::optional<Repository> discover_if_any(const std::filesystem::path& start);
  // Opens exactly `dir` (a work tree or a git dir). Throws Error(ExitCode::store).
  static Repository open(const std::filesystem::path& dir);
  // Opens `dir` if it holds a repository, else creates a non-bare one there (creating `dir`).
  // `created` tells which happened.
  static Repository open_or_init(const std::filesystem::path& dir, bool& created);

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  std::filesystem::path git_dir() const;
  // The directory linked worktrees share with the main one (objects, refs, docket's caches);
  // git_dir() itself for any other repository.
  std::filesystem::path common_dir() const;
  bool is_bare() const;
  // Whether the repository is a shallow clone (`.git/shallow` names cut-off commits).
  bool is_shallow() const;
  // The names of the remotes in the repository's config (git_remote_list), in config order.
  // Throws Error(ExitCode::store) when the config cannot be read.
  std::vector<std::string> remote_names() const;
  // Repository config (local, global, system as git reads them).
  std::optional<std::string> config(const std::string& key) const;
  // Reads config from `sources` from now on: system (unless skipped), XDG and global (or the
  // one file GIT_CONFIG_GLOBAL names), then the repository's own config, with includes, as
  // git does. Does nothing when `sources` overrides nothing. Throws Error(ExitCode::store)
  // naming a file that cannot be read or parsed.
  void use_config_sources(const ConfigSources& sources);
  // Writes `key` into the repository's own (local) config.
  void set_local_config(const std::string& key, const std::string& value);
  // Points HEAD at `ref` (a symbolic ref; works while the ref is still unborn).
  void set_head(const std::string& ref);
  std::optional<std::string> head_target() const;  // the ref HEAD points at, if symbolic

  struct Impl;
  Impl& impl() const { return *impl_; }

private:
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A read-only view of the tree at one commit of the ref (or of an empty store). It borrows the
// Repository it was read from, which must outlive it. Copies share the same view.
class Snapshot {
public:
  Snapshot();  // empty: no commit, no files
  ~Snapshot();
  Snapshot(Snapshot&&) noexcept;
  Snapshot& operator=(Snapshot&&) noexcept;
  Snapshot(const Snapshot&);
  Snapshot& operator=(const Snapshot&);

  // The commit this view is of; empty when the ref does not exist yet.
  const ObjectId& commit() const;
  bool empty() const { return commit().empty(); }
  // Contents of the blob at `path` (slash-separated); nullopt when absent or not a blob.
  std::optional<std::string> read(std::string_view path) const;
  std::optional<ObjectId> blob_id(std::string_view path) const;
  // Hands the blob at `path` to `sink` in chunks, in order, and returns its size in bytes;
  // nullopt when absent or not a blob. Memory stays constant whatever the blob's size: a loose
  // object is inflated through libgit2's read stream; a packed one (libgit2 has no read stream
  // for packs) of up to kWholeBlobRead bytes is read whole, a larger one through `git cat-file
  // blob`, which streams it (git stores blobs past core.bigFileThreshold undeltified). Throws
  // Error(ExitCode::store) when the object cannot be read or is shorter or longer than its header
  // says; an exception from `sink` propagates.
  std::optional<std::uint64_t> read_stream(std::string_view path, const std::function<void(std::string_view)>& sink) const;
  static constexpr std::uint64_t kWholeBlobRead = 64ULL << 20;
  // The size in bytes of the blob at `path`, from the object's header (the content is not read);
  // nullopt when absent or not a blob.
  std::optional<std::uint64_t> blob_size(std::string_view path) const;
  // Names of the entries directly under the folder `dir` ("" for the root), sorted.
  std::vector<std::string> list(std::string_view dir) const;
  struct FileEntry {
    std::string path;
    ObjectId blob;
  };
  // Every blob below `dir`, with full paths, sorted by path; folders deeper than kLayoutDepth
  // path components are not descended into (iterative, constant stack).
  std::vector<FileEntry> walk(std::string_view dir) const;
  // The id of the folder `dir` ("" for the root tree); nullopt when absent or not a folder.
  std::optional<ObjectId> tree_id(std::string_view dir) const;

  struct Impl;
  explicit Snapshot(std::shared_ptr<Impl> impl);
  Impl* impl() const { return impl_.get(); }

private:
  std::shared_ptr<Impl> impl_;
};

// A blob already written to the object database (evidence is streamed in this way).
struct ExistingBlob {
  ObjectId id;
};
struct Removal {};
// One path changed by a commit: new content, an already-written blob, or removal. Removing a path
// that is not there is a no-op (a retried transaction may find it already gone); a folder left
// empty disappears. Each path may appear once per commit.
struct Change {
  std::string path;
  std::variant<std::string, ExistingBlob, Removal> content;
};

struct CommitInfo {
  std::string message;
  std::string name;  // author and committer name
  Email email;       // author and committer e-mail: must equal the signer's principal
  Timestamp when;
};

// Streams content into a blob in constant memory (git_blob_create_from_stream).
class BlobWriter {
public:
  ~BlobWriter();
  BlobWriter(BlobWriter&&) noexcept;
  BlobWriter& operator=(BlobWriter&&) noexcept;
  void write(std::string_view chunk);
  ObjectId finish();  // may be called once; write/finish afterwards throw Error(ExitCode::internal)
  // Destroying an unfinished writer abandons the content: nothing reaches the object database.

  struct Impl;
  explicit BlobWriter(std::unique_ptr<Impl> impl);

private:
  std::unique_ptr<Impl> impl_;
};

struct RetryPolicy {
  int max_attempts = 50;
  std::chrono::milliseconds base_delay{5};
  std::chrono::milliseconds max_delay{250};
};

// One file's version in a tree: its blob (or, for a submodule entry, commit) id and git file
// mode (0100644 regular file, 0100755 executable, 0120000 symlink, 0160000 submodule).
struct FileVersion {
  ObjectId id;
  std::uint32_t mode = 0;
  bool regular_file() const { return mode == 0100644; }
  static constexpr std::uint32_t folder = 0040000;  // a tree below the layout's depth
  auto operator<=>(const FileVersion&) const = default;
};

// One path that differs between two trees: `before` is empty when the path was added, `after`
// when it was removed. A path whose id and mode are both unchanged is not reported.
struct PathChange {
  std::string path;
  std::optional<FileVersion> before;
  std::optional<FileVersion> after;
};

// One entry of a git tree, as stored: name, object id and file mode (FileVersion's modes).
struct TreeEntry {
  std::string name;
  ObjectId id;
  std::uint32_t mode = 0;
  bool folder() const { return mode == FileVersion::folder; }
};

// A commit as read back from history.
struct CommitRecord {
  ObjectId id;
  std::vector<ObjectId> parents;
  std::string raw;  // the raw commit object (headers + message), for signature checks
  std::string message;
  std::string author_email;
  std::string author_name;
  Timestamp time;  // author time (docket writes author == committer)
  std::string committer_email;
  std::string committer_name;  // docket writes the member's recorded name (core::commit_name)
  Timestamp committer_time;  // what verify's time rules judge (docs/verify.md)
  int author_offset = 0;     // UTC offsets in minutes, as git writes them (+0100 → 60)
  int committer_offset = 0;
  std::string author_line;     // the raw header values after `author ` and `committer `
  std::string committer_line;
};

// The deepest path a docket store's layout has, in path components (`exceptions/<2>/<ID>.yaml`).
// Tree walks descend no further, so a hostile tree nested thousands of folders deep costs
// nothing and cannot exhaust the stack; a folder at this depth is reported as an entry of mode
// 040000 (FileVersion::folder) by changed_paths, which verify flags.
inline constexpr std::size_t kLayoutDepth = 3;

// The id git gives `content` as a blob, computed without writing it (to compare trees).
ObjectId hash_blob(std::string_view content);

class Store {
public:
  // `ref` is a full ref name such as refs/heads/docket; throws Error(ExitCode::usage) when it is
  // not a valid name under refs/.
  Store(Repository& repo, std::string ref);

  const std::string& ref() const { return ref_; }
  Repository& repository() const { return repo_; }
  bool exists() const;
  Snapshot tip() const;  // empty when the ref does not exist yet
  // Throws Error(ExitCode::not_found) when `commit` is not a commit in the repository.
  Snapshot at(const ObjectId& commit) const;
  // The same view for read-only commands: a loose commit over 64 KiB (an ingest run's) is not
  // inflated whole; its tree id is read from the object's first line. That read does not check
  // the object's hash, so verify and every write use at(), which does.
  Snapshot at_for_reading(const ObjectId& commit) const;
  // The committer time of `commit` (libgit2's object cache makes a repeated call free).
  // Error(not_found) when absent.
  Timestamp committer_time(const ObjectId& commit) const;

  BlobWriter blob_writer();
  ObjectId write_blob(std::string_view content);
  // Removes what a blob writer killed mid-stream left in the object directory: libgit2's
  // spool (`objects/streamed_git2_*`, which git's gc never removes) and unfinished objects
  // (`objects/tmp_object_git2_*`), when not modified for `min_age` (a live writer keeps
  // writing to its own). Returns how many files were removed; failures are ignored.
  std::size_t remove_abandoned_blob_files(std::chrono::seconds min_age);

  // Builds the tree from `base` plus `changes`, makes the commit object with `base.commit()`
  // as its parent (none if empty), signs it with `signer`, and moves the ref by
  // compare-and-swap from `base.commit()` (create-only when `base` is empty). Returns the new
  // commit id, or nullopt when the ref moved meanwhile (the caller re-reads and retries).
  // Throws Error(ExitCode::internal) for a malformed or repeated path or an ExistingBlob that is
  // not in the repository; errors from `signer` pass through. The ref moves last, so whenever
  // this throws or returns nullopt the ref is untouched (unreferenced objects may remain).
  std::optional<ObjectId> try_commit(const Snapshot& base, const std::vector<Change>& changes, const CommitInfo& info,
                                     const crypto::Signer& signer);

  // Makes a signed merge commit of `parents` with the given full tree built from `base` and
  // `changes` (for sync). Same CAS contract as try_commit, expected old value `expected`.
  std::optional<ObjectId> try_commit_merge(const Snapshot& base, const std::vector<Change>& changes,
                                           const std::vector<ObjectId>& parents, const ObjectId& expected,
                                           const CommitInfo& info, const crypto::Signer& signer);

  struct Update {
    std::vector<Change> changes;
    CommitInfo info;
  };
  // The transaction loop: calls `build(tip)` to compute the changes, commits them, and when the
  // ref moved meanwhile (GIT_EMODIFIED / GIT_ELOCKED) re-reads the tip and calls `build` again,
  // with jittered exponential backoff. `build` may throw to abort (nothing is written to the
  // ref). Returns the new commit. Throws Error(ExitCode::conflict) after max_attempts.
  ObjectId update(const std::function<Update(const Snapshot&)>& build, const crypto::Signer& signer,
                  const RetryPolicy& retry = {});

  // Every non-folder path (blobs and submodule entries alike) that differs between the trees of
  // `before` and `after` (either may be empty: no files), sorted by path. Folders whose tree
  // ids are equal are skipped without being read, so the cost follows the size of the change,
  // not of the store. Iterative; a folder at kLayoutDepth components is not descended into but
  // reported as one path with mode FileVersion::folder.
  std::vector<PathChange> changed_paths(const Snapshot& before, const Snapshot& after) const;

  // Commits reachable from the ref, oldest first (topological order, parents before children).
  // Empty when the ref does not exist.
  std::vector<CommitRecord> history() const;
  // Commits reachable from `tip` but not from `hide` (when given), oldest first (parents before
  // children): the commits a verifier has not seen yet when it last verified `hide`.
  std::vector<CommitRecord> history_between(const ObjectId& tip, const std::optional<ObjectId>& hide) const;
  // Whether `ancestor` is `commit` itself or reachable from it. False when `ancestor` is not in
  // the repository at all (a replaced history whose old commits were pruned).
  bool descends_from(const ObjectId& commit, const ObjectId& ancestor) const;
  // Throws Error(ExitCode::not_found) when `id` is not a commit in the repository.
  CommitRecord read_commit(const ObjectId& id) const;
  // The entries of the tree `id` in git's order (by name, folders as if ending in '/'), without
  // path look-ups from a root: for readers that already hold the id (the record index).
  // Throws Error(ExitCode::store) when `id` is not a tree in the repository.
  std::vector<TreeEntry> read_tree(const ObjectId& id) const;
  // The content of the blob `id`. Throws Error(ExitCode::store) when it is not a blob here.
  std::string read_blob(const ObjectId& id) const;
  // The size in bytes of the object `id`, from its header: nothing is inflated, so a caller can
  // refuse an oversized blob before reading it. Throws Error(ExitCode::store) when it is absent.
  std::uint64_t object_size(const ObjectId& id) const;

  // For sync (src/store/sync_support.cpp).
  // The commit any full ref name points at (such as a remote-tracking ref); nullopt if absent.
  std::optional<ObjectId> lookup_ref(const std::string& name) const;
  // The best common ancestor of two commits; nullopt when their histories are unrelated.
  std::optional<ObjectId> merge_base(const ObjectId& a, const ObjectId& b) const;
  // Moves this store's ref to the existing commit `target` by compare-and-swap from `expected`
  // (empty: create only if absent). False when the ref moved meanwhile.
  bool try_move(const ObjectId& expected, const ObjectId& target, const std::string& log_message);
  // Puts another ref (a remote-tracking ref, never this store's own) back at `value`, or removes
  // it when `value` is empty: a refused sync leaves every ref where it was.
  void restore_ref(const std::string& name, const std::optional<ObjectId>& value);
  // Root commits (no parents) reachable from `tip` but not from `hide` (when given).
  std::vector<ObjectId> roots(const ObjectId& tip, const std::optional<ObjectId>& hide = std::nullopt) const;
  // The commits reachable from `tip` but not from `hide` (when given), oldest first (parents
  // before children), as for history().
  std::vector<ObjectId> commits_between(const ObjectId& tip, const std::optional<ObjectId>& hide = std::nullopt) const;
  // How many commits are reachable from `tip` but not from `hide` (when given).
  std::size_t count_commits(const ObjectId& tip, const std::optional<ObjectId>& hide = std::nullopt) const;

private:
  Repository& repo_;
  std::string ref_;
};

}  // namespace docket::store
