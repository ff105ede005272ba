// Read-only views of the tree at one commit of the ref.

#include <algorithm>
#include <exception>

#include "docket/core/error.hpp"
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

std::optional<std::uint64_t> Snapshot::blob_size(std::string_view path) const {
  const auto id = blob_id(path);
  if (!id) return std::nullopt;
  return detail::object_size(impl_->repo, detail::to_oid(*id),
                             "'" + std::string(path) + "' at commit " + impl_->commit.hex + " in '" + impl_->where + "'");
}

namespace detail {

std::uint64_t object_size(git_repository* repo, const git_oid& oid, const std::string& what) {
  git_odb* raw_odb = nullptr;
  int rc = git_repository_odb(&raw_odb, repo);
  if (rc < 0) throw_git_error(rc, "cannot open the object database to read " + what);
  detail::OdbPtr odb(raw_odb);
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  rc = git_odb_read_header(&size, &type, odb.get(), &oid);
  if (rc < 0) throw_git_error(rc, "cannot read " + what);
  return size;
}

}  // namespace detail

std::optional<std::uint64_t> Snapshot::read_stream(std::string_view path,
                                                   const std::function<void(std::string_view)>& sink) const {
  const auto id = blob_id(path);
  if (!id) return std::nullopt;
  const std::string what = "'" + std::string(path) + "' at commit " + impl_->commit.hex + " in '" + impl_->where + "'";
  git_odb* raw_odb = nullptr;
  int rc = git_repository_odb(&raw_odb, impl_->repo);
  if (rc < 0) throw_git_error(rc, "cannot open the object database of '" + impl_->where + "'");
  detail::OdbPtr odb(raw_odb);
  const git_oid oid = detail::to_oid(*id);
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  rc = git_odb_read_header(&size, &type, odb.get(), &oid);
  if (rc < 0) throw_git_error(rc, "cannot read " + what);
  std::uint64_t seen = 0;
  const auto count = [&](std::string_view chunk) {
    seen += chunk.size();
    if (seen > size) throw Error(ExitCode::store, "cannot read " + what + ": the object holds more than the " + std::to_string(size) + " bytes its header says");
    sink(chunk);
  };
  git_odb_stream* raw_stream = nullptr;
  std::size_t stream_size = 0;  // its own out-parameters: a failed open may write them
  git_object_t stream_type = GIT_OBJECT_INVALID;
  if (git_odb_open_rstream(&raw_stream, &stream_size, &stream_type, odb.get(), &oid) == 0) {
    // A loose object: inflated chunk by chunk.
    detail::OdbStreamPtr stream(raw_stream);
    std::string buffer(64 * 1024, '\0');
    for (;;) {
      const int n = stream->read(stream.get(), buffer.data(), buffer.size());
      if (n < 0) throw_git_error(n, "cannot read " + what);
      if (n == 0) break;
      count(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
  } else if (size <= kWholeBlobRead) {
    git_blob* raw = nullptr;
    rc = git_blob_lookup(&raw, impl_->repo, &oid);
    detail::BlobPtr blob(raw);
    if (rc < 0) throw_git_error(rc, "cannot read " + what);
    count(std::string_view(static_cast<const char*>(git_blob_rawcontent(blob.get())), git_blob_rawsize(blob.get())));
  } else {
    const std::function<void(std::string_view)> on_out = count;
    const GitRun run = detail::run_git_in(git_repository_path(impl_->repo), {"cat-file", "blob", id->hex}, &on_out);
    if (run.status != 0)
      throw Error(ExitCode::store, "cannot read " + what + ": git cat-file: " + (run.err.empty() ? "exit status " + std::to_string(run.status) : run.err),
                  "check the repository with git fsck");
  }
  if (seen != size)
    throw Error(ExitCode::store, "cannot read " + what + ": the object holds " + std::to_string(seen) + " of the " + std::to_string(size) + " bytes its header says",
                "check the repository with git fsck");
  return seen;
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
  const std::size_t dir_depth = dir.empty() ? 0 : static_cast<std::size_t>(std::count(dir.begin(), dir.end(), '/')) + 1;
  std::vector<FileEntry> files;
  // An explicit work list, never deeper than the store's layout: a hostile tree nested
  // thousands of folders deep neither exhausts the stack nor costs time.
  struct Pending {
    detail::TreePtr tree;
    std::string prefix;
    std::size_t depth;
  };
  std::vector<Pending> pending;
  pending.push_back({std::move(folder), dir.empty() ? std::string{} : std::string(dir) + "/", dir_depth});
  while (!pending.empty()) {
    Pending next = std::move(pending.back());
    pending.pop_back();
    const size_t count = git_tree_entrycount(next.tree.get());
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(next.tree.get(), i);
      const std::string path = next.prefix + git_tree_entry_name(entry);
      if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
        files.push_back({path, detail::to_object_id(*git_tree_entry_id(entry))});
      } else if (git_tree_entry_type(entry) == GIT_OBJECT_TREE && next.depth + 1 < kLayoutDepth) {
        git_tree* raw = nullptr;
        const int rc = git_tree_lookup(&raw, impl_->repo, git_tree_entry_id(entry));
        detail::TreePtr sub(raw);
        if (rc < 0) throw_git_error(rc, "cannot list '" + path + "' at commit " + impl_->commit.hex + " in '" + impl_->where + "'");
        pending.push_back({std::move(sub), path + "/", next.depth + 1});
      }
    }
  }
  std::sort(files.begin(), files.end(), [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  return files;
}

std::optional<ObjectId> Snapshot::tree_id(std::string_view dir) const {
  if (!impl_) return std::nullopt;
  dir = without_trailing_slashes(dir);
  if (dir.empty()) return detail::to_object_id(*git_tree_id(impl_->tree.get()));
  detail::TreeEntryPtr entry = entry_at(*impl_, dir);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return std::nullopt;
  return detail::to_object_id(*git_tree_entry_id(entry.get()));
}

}  // namespace docket::store
