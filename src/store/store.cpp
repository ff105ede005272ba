// Transactions on the docket ref (docs/design.md §6): read the tip, write blobs and trees, make a
// signed commit, then move the ref by compare-and-swap. Objects are written first and the ref
// last, so a process killed at any point leaves at most unreachable objects behind.

#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "docket/core/error.hpp"
#include "docket/core/time.hpp"
#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

using detail::check;
using detail::read_ref;
using detail::throw_git_error;

namespace {

git_repository* raw_repo(const Repository& repo) { return repo.impl().repo.get(); }
const std::string& where(const Repository& repo) { return repo.impl().where; }

}  // namespace

std::optional<git_oid> detail::read_ref(const Repository& repo, const std::string& ref) {
  git_reference* raw = nullptr;
  int rc = git_reference_lookup(&raw, raw_repo(repo), ref.c_str());
  detail::ReferencePtr reference(raw);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) throw_git_error(rc, "cannot read " + ref + " in '" + where(repo) + "'");
  // A symbolic ref would make compare-and-swap compare the wrong thing.
  if (git_reference_type(reference.get()) != GIT_REFERENCE_DIRECT)
    throw Error(ExitCode::store, ref + " in '" + where(repo) + "' is a symbolic reference",
                "use a ref that points at a commit, such as refs/heads/docket");
  return *git_reference_target(reference.get());
}

namespace {

detail::CommitPtr lookup_commit(const Repository& repo, const git_oid& id) {
  git_commit* raw = nullptr;
  int rc = git_commit_lookup(&raw, raw_repo(repo), &id);
  detail::CommitPtr commit(raw);
  if (rc == GIT_ENOTFOUND)
    throw Error(ExitCode::not_found, "no commit " + detail::to_hex(id) + " in '" + where(repo) + "'",
                "fetch it, or check the commit id");
  if (rc < 0) throw_git_error(rc, "cannot read commit " + detail::to_hex(id) + " in '" + where(repo) + "'");
  return commit;
}

Snapshot make_snapshot(const Repository& repo, const git_oid& commit_id, detail::TreePtr tree) {
  auto impl = std::make_shared<Snapshot::Impl>();
  impl->repo = raw_repo(repo);
  impl->where = where(repo);
  impl->commit = detail::to_object_id(commit_id);
  impl->tree = std::move(tree);
  return Snapshot(std::move(impl));
}

Snapshot snapshot_of(const Repository& repo, const git_oid& commit_id) {
  detail::CommitPtr commit = lookup_commit(repo, commit_id);
  git_tree* raw = nullptr;
  int rc = git_commit_tree(&raw, commit.get());
  detail::TreePtr tree(raw);
  if (rc < 0) throw_git_error(rc, "cannot read the tree of commit " + detail::to_hex(commit_id) + " in '" + where(repo) + "'");
  return make_snapshot(repo, commit_id, std::move(tree));
}

// A commit larger than this (an ingest run's commit carries one replay line per record) is, for
// read-only views, not inflated whole: its tree id is read from the first line of the loose
// object's stream.
constexpr std::size_t kLargeCommit = 64 * 1024;

// The tree id on the first line of the loose commit `id` ("tree <hex>\n"), read through
// git_odb_open_rstream so only its first bytes are inflated; nullopt when the commit is small,
// packed (the pack backend has no read stream) or does not start that way.
std::optional<git_oid> streamed_tree_id(const Repository& repo, const git_oid& id) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, raw_repo(repo)) < 0) return std::nullopt;
  detail::OdbPtr odb(raw_odb);
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb.get(), &id) < 0 || type != GIT_OBJECT_COMMIT || size <= kLargeCommit)
    return std::nullopt;
  git_odb_stream* raw_stream = nullptr;
  if (git_odb_open_rstream(&raw_stream, &size, &type, odb.get(), &id) < 0) return std::nullopt;
  detail::OdbStreamPtr stream(raw_stream);
  char head[5 + GIT_OID_HEXSZ + 1];
  std::size_t got = 0;
  while (got < sizeof head) {
    const int n = stream->read(stream.get(), head + got, sizeof head - got);
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  if (std::string_view(head, 5) != "tree " || head[sizeof head - 1] != '\n') return std::nullopt;
  git_oid tree{};
  if (git_oid_fromstrn(&tree, head + 5, GIT_OID_HEXSZ) < 0) return std::nullopt;
  return tree;
}

}  // namespace

Snapshot Store::at_for_reading(const ObjectId& commit) const {
  const git_oid id = detail::to_oid(commit);
  if (const auto tree_id = streamed_tree_id(repo_, id)) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, raw_repo(repo_), &*tree_id) == 0) return make_snapshot(repo_, id, detail::TreePtr(raw));
  }
  return snapshot_of(repo_, id);
}

namespace {

// Paths come from docket's own layout, but a malformed one would make libgit2 write a tree that
// stock git refuses (empty names, `.git`), so they are checked before anything is written.
void require_valid_path(const std::string& path) {
  auto invalid = [&](const char* why) {
    return Error(ExitCode::internal, "cannot write '" + path + "' into the store: " + why);
  };
  if (path.empty()) throw invalid("the path is empty");
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view part = std::string_view(path).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty()) throw invalid("it has an empty folder or file name");
    if (part == "." || part == ".." || part == ".git") throw invalid("it names '.', '..' or '.git'");
    if (part.find('\0') != std::string_view::npos) throw invalid("it contains a NUL byte");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

bool tree_has(git_tree* tree, const std::string& path) {
  if (!tree) return false;
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
  detail::TreeEntryPtr entry(raw);
  if (rc == GIT_ENOTFOUND) return false;
  check(rc, "cannot look up '" + path + "'");
  return true;
}

// The tree of `base` with `changes` applied. Only the folders on changed paths are rewritten
// (git_tree_create_updated), so a change costs O(depth), not O(store size).
git_oid build_tree(git_repository* r, const std::string& place, const Snapshot& base, const std::vector<Change>& changes) {
  detail::TreePtr baseline;
  if (const Snapshot::Impl* snap = base.impl(); snap && snap->tree) {
    // Looked up again through this repository: `base` may come from another handle on it.
    git_tree* raw = nullptr;
    int rc = git_tree_lookup(&raw, r, git_tree_id(snap->tree.get()));
    baseline.reset(raw);
    if (rc < 0) throw_git_error(rc, "cannot read the tree of commit " + snap->commit.hex + " in '" + place + "'");
  }

  detail::OdbPtr odb;
  std::set<std::string_view> seen;
  std::vector<git_tree_update> updates;
  updates.reserve(changes.size());
  for (const Change& change : changes) {
    require_valid_path(change.path);
    if (!seen.insert(change.path).second)
      throw Error(ExitCode::internal, "cannot write '" + change.path + "' into the store: it is changed twice in one commit");

    git_tree_update update{};
    update.path = change.path.c_str();
    update.filemode = GIT_FILEMODE_BLOB;
    if (const auto* text = std::get_if<std::string>(&change.content)) {
      update.action = GIT_TREE_UPDATE_UPSERT;
      int rc = git_blob_create_from_buffer(&update.id, r, text->data(), text->size());
      if (rc < 0) throw_git_error(rc, "cannot write '" + change.path + "' into '" + place + "'");
    } else if (const auto* blob = std::get_if<ExistingBlob>(&change.content)) {
      update.action = GIT_TREE_UPDATE_UPSERT;
      update.id = detail::to_oid(blob->id);
      // A tree naming a missing object would be a corrupt store; the header check is cheap
      // (it does not read evidence content).
      if (!odb) {
        git_odb* raw = nullptr;
        check(git_repository_odb(&raw, r), "cannot open the object database of '" + place + "'");
        odb.reset(raw);
      }
      size_t size = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      int rc = git_odb_read_header(&size, &type, odb.get(), &update.id);
      if (rc == GIT_ENOTFOUND || (rc == 0 && type != GIT_OBJECT_BLOB))
        throw Error(ExitCode::internal, "cannot write '" + change.path + "': blob " + blob->id.hex + " is not in '" + place + "'");
      if (rc < 0) throw_git_error(rc, "cannot read blob " + blob->id.hex + " in '" + place + "'");
    } else {
      // Removing what is already gone is not an error: a retried transaction may find that
      // another writer removed it first.
      if (!tree_has(baseline.get(), change.path)) continue;
      update.action = GIT_TREE_UPDATE_REMOVE;
    }
    updates.push_back(update);
  }

  git_oid tree_id{};
  int rc = git_tree_create_updated(&tree_id, r, baseline.get(), updates.size(), updates.data());
  if (rc < 0) throw_git_error(rc, "cannot write the new tree into '" + place + "'");
  return tree_id;
}

// Writes the signed commit object and returns its id. The signed bytes are exactly the unsigned
// commit object; the signature goes into its `gpgsig` header without its final newline, which is
// what `git commit -S` produces and `git verify-commit` checks.
git_oid write_signed_commit(git_repository* r, const std::string& place, const git_oid& tree_id,
                            const std::vector<git_oid>& parent_ids, const CommitInfo& info, const crypto::Signer& signer) {
  if (info.when > kLatestCommitTime || info.when < kEarliestTime)
    throw RuleViolation(std::string(kTimeRangeRule),
                        "the commit would be dated " + (in_time_range(info.when) ? format_rfc3339(info.when) : std::to_string(info.when.seconds) + " s since 1970") +
                            ", outside 1970-01-01 .. " + format_rfc3339(kLatestCommitTime) + ", the times a git commit written by libgit2 can hold",
                        "check the clock (the system's, or DOCKET_NOW)");
  git_signature* raw_who = nullptr;
  // docket records UTC times, so the offset is always +0000.
  int rc = git_signature_new(&raw_who, info.name.c_str(), info.email.str().c_str(), static_cast<git_time_t>(info.when.seconds), 0);
  detail::SignaturePtr who(raw_who);
  if (rc < 0) throw_git_error(rc, "cannot use '" + info.name + " <" + info.email.str() + ">' as a commit author", {}, ExitCode::usage);

  git_tree* raw_tree = nullptr;
  rc = git_tree_lookup(&raw_tree, r, &tree_id);
  detail::TreePtr tree(raw_tree);
  if (rc < 0) throw_git_error(rc, "cannot read the new tree in '" + place + "'");

  std::vector<detail::CommitPtr> parents;
  std::vector<const git_commit*> parent_handles;
  for (const git_oid& id : parent_ids) {
    git_commit* raw_parent = nullptr;
    rc = git_commit_lookup(&raw_parent, r, &id);
    parents.emplace_back(raw_parent);
    if (rc < 0) throw_git_error(rc, "cannot read commit " + detail::to_hex(id) + " in '" + place + "'");
    parent_handles.push_back(parents.back().get());
  }

  // git ends every message with a newline; so does docket, so stock tools show it the same way.
  std::string message = info.message;
  if (message.empty() || message.back() != '\n') message += '\n';

  detail::GitBuf unsigned_commit;
  rc = git_commit_create_buffer(unsigned_commit.get(), r, who.get(), who.get(), nullptr, message.c_str(), tree.get(),
                                parent_handles.size(), parent_handles.data());
  if (rc < 0) throw_git_error(rc, "cannot make a commit in '" + place + "'");

  std::string signature = signer.sign(unsigned_commit.view(), "git");
  if (!signature.empty() && signature.back() == '\n') signature.pop_back();

  git_oid commit_id{};
  rc = git_commit_create_with_signature(&commit_id, r, unsigned_commit.c_str(), signature.c_str(), /*gpgsig=*/nullptr);
  if (rc < 0) throw_git_error(rc, "cannot write the signed commit into '" + place + "'");
  return commit_id;
}

// Changes this many paths or more are written as one pack instead of loose objects: an ingest
// run of 100,000 findings makes one pack file, not 100,000 files.
constexpr std::size_t kPackedWriteThreshold = 256;

// The blobs and trees of a large change, written into an in-memory object store (a mempack on
// a second handle of the repository, so the main handle never writes there) and then stored as
// one pack through the indexer (git_odb_write_pack), which writes the .pack and its .idx; then
// the signed commit, loose. All before the caller moves the ref.
git_oid write_packed_commit(const Repository& repo, const Snapshot& base, const std::vector<Change>& changes,
                            const std::vector<git_oid>& parent_ids, const CommitInfo& info, const crypto::Signer& signer) {
  const std::string& place = where(repo);
  git_repository* raw_repo_handle = nullptr;
  check(git_repository_open_ext(&raw_repo_handle, repo.git_dir().c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr), "cannot open '" + place + "' to write a pack");
  detail::RepositoryPtr writer(raw_repo_handle);
  git_odb* raw_odb = nullptr;
  check(git_repository_odb(&raw_odb, writer.get()), "cannot open the object database of '" + place + "'");
  detail::OdbPtr odb(raw_odb);
  git_odb_backend* mempack = nullptr;
  check(git_mempack_new(&mempack), "cannot prepare a pack for '" + place + "'");
  if (const int rc = git_odb_add_backend(odb.get(), mempack, /*priority=*/1000); rc < 0) {
    mempack->free(mempack);
    throw_git_error(rc, "cannot prepare a pack for '" + place + "'");
  }
  // From here the object database owns the mempack.
  const git_oid tree_id = build_tree(writer.get(), place, base, changes);
  // The mempack packs what its commits reach, so the commit is made there too.
  const git_oid commit_id = write_signed_commit(writer.get(), place, tree_id, parent_ids, info, signer);
  git_odb_object* raw_commit = nullptr;
  check(git_odb_read(&raw_commit, odb.get(), &commit_id), "cannot read back the new commit in '" + place + "'");
  const detail::OdbObjectPtr commit_object(raw_commit);
  // The commit is also written loose, first (the same bytes, so the same id; written after the
  // pack, git_odb_write would find it packed and skip it): readers take its tree id from the
  // loose object's first line without inflating a message of one replay line per record
  // (Store::at_for_reading); the pack backend has no such partial read.
  git_odb* main_raw = nullptr;
  check(git_repository_odb(&main_raw, raw_repo(repo)), "cannot open the object database of '" + place + "'");
  const detail::OdbPtr main_odb(main_raw);
  git_oid loose_id{};
  check(git_odb_write(&loose_id, main_odb.get(), git_odb_object_data(commit_object.get()), git_odb_object_size(commit_object.get()),
                      GIT_OBJECT_COMMIT),
        "cannot write the new commit into '" + place + "'");
  detail::GitBuf pack;
  check(git_mempack_dump(pack.get(), writer.get(), mempack), "cannot build a pack for '" + place + "'");
  git_odb_writepack* raw_writepack = nullptr;
  check(git_odb_write_pack(&raw_writepack, odb.get(), nullptr, nullptr), "cannot write a pack into '" + place + "'");
  detail::WritepackPtr writepack(raw_writepack);
  git_indexer_progress stats{};
  const std::string_view bytes = pack.view();
  check(writepack->append(writepack.get(), bytes.data(), bytes.size(), &stats), "cannot write a pack into '" + place + "'");
  check(writepack->commit(writepack.get(), &stats), "cannot write a pack into '" + place + "'");
  git_mempack_reset(mempack);
  // The main handle learns of the new pack before anything reads through it.
  check(git_odb_refresh(main_odb.get()), "cannot re-read the packs of '" + place + "'");
  return commit_id;
}

// Moves `ref` to `new_id` only if it still points at `expected` (or, with no `expected`, only if
// it does not exist). Returns false when another writer got there first.
//
// Both cases go through git_reference_create_matching, which compares the old value under the
// ref's lock; the all-zero id there means "must not exist". (git_reference_create with force=0
// checks for existence before taking the lock, so two creators racing could both "win" and the
// second would replace the first's root commit.)
bool compare_and_swap(const Repository& repo, const std::string& ref, const git_oid& new_id,
                      const std::optional<git_oid>& expected, const CommitInfo& info) {
  std::string first_line = info.message.substr(0, info.message.find('\n'));
  std::string log_message = "docket: " + first_line;
  const git_oid must_be_absent{};
  const git_oid& old_id = expected ? *expected : must_be_absent;
  git_reference* raw = nullptr;
  int rc = git_reference_create_matching(&raw, raw_repo(repo), ref.c_str(), &new_id, /*force=*/1, &old_id, log_message.c_str());
  detail::ReferencePtr moved(raw);
  if (rc == 0) return true;
  // GIT_EMODIFIED: the ref points elsewhere now (or exists, for a create). GIT_ELOCKED: another
  // writer holds its lock at this moment. GIT_ENOTFOUND: it was deleted since we read it.
  if (rc == GIT_EMODIFIED || rc == GIT_ELOCKED || rc == GIT_ENOTFOUND) return false;
  throw_git_error(rc, "cannot move " + ref + " in '" + where(repo) + "'");
}

std::optional<git_oid> optional_oid(const ObjectId& id) {
  if (id.empty()) return std::nullopt;
  return detail::to_oid(id);
}

// A random wait in [0, min(max_delay, base_delay * 2^attempt)]: exponential so that a crowd of
// writers spreads out, random so that they do not retry in lockstep.
std::chrono::microseconds backoff(const RetryPolicy& retry, int attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  using std::chrono::microseconds;
  auto base = std::chrono::duration_cast<microseconds>(retry.base_delay).count();
  auto cap = std::chrono::duration_cast<microseconds>(retry.max_delay).count();
  int doublings = std::clamp(attempt, 0, 30);  // beyond 2^30 every sane cap is reached anyway
  long long ceiling = std::min<long long>(cap, base << doublings);
  if (ceiling <= 0) return microseconds(0);
  return microseconds(std::uniform_int_distribution<long long>(0, ceiling)(rng));
}

}  // namespace

Store::Store(Repository& repo, std::string ref) : repo_(repo), ref_(std::move(ref)) { detail::require_valid_ref_name(ref_); }

bool Store::exists() const { return read_ref(repo_, ref_).has_value(); }

Snapshot Store::tip() const {
  std::optional<git_oid> target = read_ref(repo_, ref_);
  return target ? snapshot_of(repo_, *target) : Snapshot();
}

Snapshot Store::at(const ObjectId& commit) const { return snapshot_of(repo_, detail::to_oid(commit)); }

Timestamp Store::committer_time(const ObjectId& commit) const {
  // Through libgit2's object cache: the transaction has just parsed this commit for its tree.
  detail::CommitPtr parsed = lookup_commit(repo_, detail::to_oid(commit));
  return Timestamp{git_commit_committer(parsed.get())->when.time};
}

BlobWriter Store::blob_writer() {
  git_writestream* raw = nullptr;
  // No hint path: content is stored exactly as given, with no filters (line endings, LFS).
  int rc = git_blob_create_from_stream(&raw, raw_repo(repo_), /*hintpath=*/nullptr);
  detail::WriteStreamPtr stream(raw);
  if (rc < 0) throw_git_error(rc, "cannot start writing a blob into '" + where(repo_) + "'");
  auto impl = std::make_unique<BlobWriter::Impl>();
  impl->where = where(repo_);
  impl->stream = std::move(stream);
  return BlobWriter(std::move(impl));
}

std::size_t Store::remove_abandoned_blob_files(std::chrono::seconds min_age) {
  std::size_t removed = 0;
  std::error_code error;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (std::filesystem::directory_iterator it(repo_.common_dir() / "objects", error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with("streamed_git2_") && !name.starts_with("tmp_object_git2_")) continue;
    std::error_code ignored;
    if (!it->is_regular_file(ignored) || it->is_symlink(ignored)) continue;
    const auto modified = it->last_write_time(ignored);
    if (ignored || now - modified < min_age) continue;
    if (std::filesystem::remove(it->path(), ignored)) ++removed;
  }
  return removed;
}

ObjectId Store::write_blob(std::string_view content) {
  git_oid id{};
  int rc = git_blob_create_from_buffer(&id, raw_repo(repo_), content.data(), content.size());
  if (rc < 0) throw_git_error(rc, "cannot write a blob into '" + where(repo_) + "'");
  return detail::to_object_id(id);
}

std::optional<ObjectId> Store::try_commit(const Snapshot& base, const std::vector<Change>& changes,
                                          const CommitInfo& info, const crypto::Signer& signer) {
  std::vector<ObjectId> parents;
  if (!base.empty()) parents.push_back(base.commit());
  return try_commit_merge(base, changes, parents, base.commit(), info, signer);
}

std::optional<ObjectId> Store::try_commit_merge(const Snapshot& base, const std::vector<Change>& changes,
                                                const std::vector<ObjectId>& parents, const ObjectId& expected,
                                                const CommitInfo& info, const crypto::Signer& signer) {
  std::vector<git_oid> parent_ids;
  for (const ObjectId& parent : parents) parent_ids.push_back(detail::to_oid(parent));
  git_oid commit_id{};
  if (changes.size() >= kPackedWriteThreshold) {
    commit_id = write_packed_commit(repo_, base, changes, parent_ids, info, signer);
  } else {
    const git_oid tree_id = build_tree(raw_repo(repo_), where(repo_), base, changes);
    commit_id = write_signed_commit(raw_repo(repo_), where(repo_), tree_id, parent_ids, info, signer);
  }
  if (!compare_and_swap(repo_, ref_, commit_id, optional_oid(expected), info)) return std::nullopt;
  return detail::to_object_id(commit_id);
}

ObjectId Store::update(const std::function<Update(const Snapshot&)>& build, const crypto::Signer& signer,
                       const RetryPolicy& retry) {
  int attempts = std::max(1, retry.max_attempts);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Snapshot tip_now = tip();
    Update change = build(tip_now);  // may throw to abort: the ref has not moved
    if (auto id = try_commit(tip_now, change.changes, change.info, signer)) return *id;
    if (attempt + 1 < attempts) std::this_thread::sleep_for(backoff(retry, attempt));
  }
  throw Error(ExitCode::conflict,
              ref_ + " in '" + where(repo_) + "' kept moving under concurrent writers; gave up after " +
                  std::to_string(attempts) + " attempts",
              "retry the command");
}

std::vector<TreeEntry> Store::read_tree(const ObjectId& id) const {
  const git_oid oid = detail::to_oid(id);
  git_tree* raw = nullptr;
  const int rc = git_tree_lookup(&raw, raw_repo(repo_), &oid);
  detail::TreePtr tree(raw);
  if (rc < 0) throw_git_error(rc, "cannot read tree " + id.hex + " in '" + where(repo_) + "'");
  const size_t count = git_tree_entrycount(tree.get());
  std::vector<TreeEntry> entries;
  entries.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
    entries.push_back({git_tree_entry_name(entry), detail::to_object_id(*git_tree_entry_id(entry)),
                       static_cast<std::uint32_t>(git_tree_entry_filemode_raw(entry))});
  }
  return entries;
}

std::uint64_t Store::object_size(const ObjectId& id) const {
  return detail::object_size(raw_repo(repo_), detail::to_oid(id), "object " + id.hex + " in '" + where(repo_) + "'");
}

std::string Store::read_blob(const ObjectId& id) const {
  const git_oid oid = detail::to_oid(id);
  git_blob* raw = nullptr;
  const int rc = git_blob_lookup(&raw, raw_repo(repo_), &oid);
  detail::BlobPtr blob(raw);
  if (rc < 0) throw_git_error(rc, "cannot read blob " + id.hex + " in '" + where(repo_) + "'");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), git_blob_rawsize(blob.get()));
}

}  // namespace docket::store
