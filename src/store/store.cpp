// Transactions on the docket ref (docs/design.md §6): read the tip, write blobs and trees, make a
// signed commit, then move the ref by compare-and-swap. Objects are written first and the ref
// last, so a process killed at any point leaves at most unreachable objects behind.

#include <algorithm>
#include <random>
#include <set>
#include <thread>

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

Snapshot snapshot_of(const Repository& repo, const git_oid& commit_id) {
  detail::CommitPtr commit = lookup_commit(repo, commit_id);
  git_tree* raw = nullptr;
  int rc = git_commit_tree(&raw, commit.get());
  detail::TreePtr tree(raw);
  if (rc < 0) throw_git_error(rc, "cannot read the tree of commit " + detail::to_hex(commit_id) + " in '" + where(repo) + "'");
  auto impl = std::make_shared<Snapshot::Impl>();
  impl->repo = raw_repo(repo);
  impl->where = where(repo);
  impl->commit = detail::to_object_id(commit_id);
  impl->tree = std::move(tree);
  return Snapshot(std::move(impl));
}

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
git_oid build_tree(const Repository& repo, const Snapshot& base, const std::vector<Change>& changes) {
  git_repository* r = raw_repo(repo);
  detail::TreePtr baseline;
  if (const Snapshot::Impl* snap = base.impl(); snap && snap->tree) {
    // Looked up again through this repository: `base` may come from another handle on it.
    git_tree* raw = nullptr;
    int rc = git_tree_lookup(&raw, r, git_tree_id(snap->tree.get()));
    baseline.reset(raw);
    if (rc < 0) throw_git_error(rc, "cannot read the tree of commit " + snap->commit.hex + " in '" + where(repo) + "'");
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
      if (rc < 0) throw_git_error(rc, "cannot write '" + change.path + "' into '" + where(repo) + "'");
    } else if (const auto* blob = std::get_if<ExistingBlob>(&change.content)) {
      update.action = GIT_TREE_UPDATE_UPSERT;
      update.id = detail::to_oid(blob->id);
      // A tree naming a missing object would be a corrupt store; the header check is cheap
      // (it does not read evidence content).
      if (!odb) {
        git_odb* raw = nullptr;
        check(git_repository_odb(&raw, r), "cannot open the object database of '" + where(repo) + "'");
        odb.reset(raw);
      }
      size_t size = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      int rc = git_odb_read_header(&size, &type, odb.get(), &update.id);
      if (rc == GIT_ENOTFOUND || (rc == 0 && type != GIT_OBJECT_BLOB))
        throw Error(ExitCode::internal, "cannot write '" + change.path + "': blob " + blob->id.hex + " is not in '" + where(repo) + "'");
      if (rc < 0) throw_git_error(rc, "cannot read blob " + blob->id.hex + " in '" + where(repo) + "'");
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
  if (rc < 0) throw_git_error(rc, "cannot write the new tree into '" + where(repo) + "'");
  return tree_id;
}

// Writes the signed commit object and returns its id. The signed bytes are exactly the unsigned
// commit object; the signature goes into its `gpgsig` header without its final newline, which is
// what `git commit -S` produces and `git verify-commit` checks.
git_oid write_signed_commit(const Repository& repo, const git_oid& tree_id, const std::vector<git_oid>& parent_ids,
                            const CommitInfo& info, const crypto::Signer& signer) {
  git_repository* r = raw_repo(repo);
  git_signature* raw_who = nullptr;
  // docket records UTC times, so the offset is always +0000.
  int rc = git_signature_new(&raw_who, info.name.c_str(), info.email.str().c_str(), static_cast<git_time_t>(info.when.seconds), 0);
  detail::SignaturePtr who(raw_who);
  if (rc < 0) throw_git_error(rc, "cannot use '" + info.name + " <" + info.email.str() + ">' as a commit author", {}, ExitCode::usage);

  git_tree* raw_tree = nullptr;
  rc = git_tree_lookup(&raw_tree, r, &tree_id);
  detail::TreePtr tree(raw_tree);
  if (rc < 0) throw_git_error(rc, "cannot read the new tree in '" + where(repo) + "'");

  std::vector<detail::CommitPtr> parents;
  std::vector<const git_commit*> parent_handles;
  for (const git_oid& id : parent_ids) {
    parents.push_back(lookup_commit(repo, id));
    parent_handles.push_back(parents.back().get());
  }

  // git ends every message with a newline; so does docket, so stock tools show it the same way.
  std::string message = info.message;
  if (message.empty() || message.back() != '\n') message += '\n';

  detail::GitBuf unsigned_commit;
  rc = git_commit_create_buffer(unsigned_commit.get(), r, who.get(), who.get(), nullptr, message.c_str(), tree.get(),
                                parent_handles.size(), parent_handles.data());
  if (rc < 0) throw_git_error(rc, "cannot make a commit in '" + where(repo) + "'");

  std::string signature = signer.sign(unsigned_commit.view(), "git");
  if (!signature.empty() && signature.back() == '\n') signature.pop_back();

  git_oid commit_id{};
  rc = git_commit_create_with_signature(&commit_id, r, unsigned_commit.c_str(), signature.c_str(), /*gpgsig=*/nullptr);
  if (rc < 0) throw_git_error(rc, "cannot write the signed commit into '" + where(repo) + "'");
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
  git_oid tree_id = build_tree(repo_, base, changes);
  std::vector<git_oid> parent_ids;
  for (const ObjectId& parent : parents) parent_ids.push_back(detail::to_oid(parent));
  git_oid commit_id = write_signed_commit(repo_, tree_id, parent_ids, info, signer);
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

std::string Store::read_blob(const ObjectId& id) const {
  const git_oid oid = detail::to_oid(id);
  git_blob* raw = nullptr;
  const int rc = git_blob_lookup(&raw, raw_repo(repo_), &oid);
  detail::BlobPtr blob(raw);
  if (rc < 0) throw_git_error(rc, "cannot read blob " + id.hex + " in '" + where(repo_) + "'");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), git_blob_rawsize(blob.get()));
}

}  // namespace docket::store
