// Read-only views of the tree at one commit of the ref.

#include <algorithm>
#include <exception>

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

using detail::throw_git_error;

Snapshot::Snapshot() = default;
Snapshot::~Snapshot() = default;
Snapshot::Snapshot(Snapshot&&) noexcept = default;
Snapshot& Snapshot::operator=(Snapshot&&) noexcept = default;
Snapshot::Snapshot(const Snapshot&) = default;
Snapshot& Snapshot::operator=(const Snapshot&) = default;
Snapshot::Snapshot(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

const ObjectId& Snapshot::commit() const {
  static const ObjectId no_commit;
  return impl_ ? impl_->commit : no_commit;
}

namespace {

// The entry at `path` below the snapshot's root, or null when there is none.
detail::TreeEntryPtr entry_at(const Snapshot::Impl& snap, std::string_view path) {
  if (path.empty()) return nullptr;
  std::string p(path);
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, snap.tree.get(), p.c_str());
  detail::TreeEntryPtr entry(raw);
  if (rc == GIT_ENOTFOUND) return nullptr;
  if (rc < 0) throw_git_error(rc, "cannot look up '" + p + "' at commit " + snap.commit.hex + " in '" + snap.where + "'");
  return entry;
}

// "exceptions/" and "exceptions" name the same folder.
std::string_view without_trailing_slashes(std::string_view dir) {
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  return dir;
}

// The folder `dir` ("" for the root, no trailing slash), or null when it does not exist or is
// not a folder.
detail::TreePtr folder_at(const Snapshot::Impl& snap, std::string_view dir) {
  git_tree* raw = nullptr;
  if (dir.empty()) {
    int rc = git_tree_dup(&raw, snap.tree.get());
    detail::TreePtr root(raw);
    if (rc < 0) throw_git_error(rc, "cannot copy a tree handle of '" + snap.where + "'");
    return root;
  }
  detail::TreeEntryPtr entry = entry_at(snap, dir);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return nullptr;
  int rc = git_tree_lookup(&raw, snap.repo, git_tree_entry_id(entry.get()));
  detail::TreePtr tree(raw);
  if (rc < 0) throw_git_error(rc, "cannot read folder '" + std::string(dir) + "' in '" + snap.where + "'");
  return tree;
}

struct WalkState {
  std::string prefix;  // `dir` + "/", or "" for the root
  std::vector<Snapshot::FileEntry> files;
  std::exception_ptr failure;  // exceptions must not unwind through libgit2's C frames
};

int collect_blob(const char* root, const git_tree_entry* entry, void* payload) {
  auto& state = *static_cast<WalkState*>(payload);
  try {
    if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB)
      state.files.push_back({state.prefix + root + git_tree_entry_name(entry), detail::to_object_id(*git_tree_entry_id(entry))});
    return 0;
  } catch (...) {
    state.failure = std::current_exception();
    return -1;  // stops the walk; walk() rethrows
  }
}

}  // namespace

std::optional<std::string> Snapshot::read(std::string_view path) const {
  if (!impl_) return std::nullopt;
  detail::TreeEntryPtr entry = entry_at(*impl_, path);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* raw = nullptr;
  int rc = git_blob_lookup(&raw, impl_->repo, git_tree_entry_id(entry.get()));
  detail::BlobPtr blob(raw);
  if (rc < 0) throw_git_error(rc, "cannot read '" + std::string(path) + "' at commit " + impl_->commit.hex + " in '" + impl_->where + "'");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), git_blob_rawsize(blob.get()));
}

std::optional<ObjectId> Snapshot::blob_id(std::string_view path) const {
  if (!impl_) return std::nullopt;
  detail::TreeEntryPtr entry = entry_at(*impl_, path);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  return detail::to_object_id(*git_tree_entry_id(entry.get()));
}

std::vector<std::string> Snapshot::list(std::string_view dir) const {
  std::vector<std::string> names;
  if (!impl_) return names;
  detail::TreePtr folder = folder_at(*impl_, without_trailing_slashes(dir));
  if (!folder) return names;
  size_t count = git_tree_entrycount(folder.get());
  names.reserve(count);
  for (size_t i = 0; i < count; ++i) names.emplace_back(git_tree_entry_name(git_tree_entry_byindex(folder.get(), i)));
  // git orders folders as if their names ended in '/'; callers want plain byte order.
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Snapshot::FileEntry> Snapshot::walk(std::string_view dir) const {
  if (!impl_) return {};
  dir = without_trailing_slashes(dir);
  detail::TreePtr folder = folder_at(*impl_, dir);
  if (!folder) return {};
  WalkState state;
  if (!dir.empty()) state.prefix = std::string(dir) + "/";
  int rc = git_tree_walk(folder.get(), GIT_TREEWALK_PRE, collect_blob, &state);
  if (state.failure) std::rethrow_exception(state.failure);
  if (rc < 0) throw_git_error(rc, "cannot list '" + std::string(dir) + "' at commit " + impl_->commit.hex + " in '" + impl_->where + "'");
  std::sort(state.files.begin(), state.files.end(), [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  return std::move(state.files);
}

}  // namespace docket::store
