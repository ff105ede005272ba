#pragma once
// What the store's .cpp files share: the Impl structs behind the public classes and the
// conversions between ObjectId and git_oid.

#include <git2.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "docket/store/remote.hpp"
#include "docket/store/store.hpp"
#include "git_handles.hpp"

namespace docket::store {

struct Repository::Impl {
  detail::RepositoryPtr repo;
  // The git dir as text, for naming the repository in error messages.
  std::string where;
};

// A snapshot borrows its repository: the Repository it came from must outlive it (git_tree
// objects belong to the repository's object cache).
struct Snapshot::Impl {
  git_repository* repo = nullptr;
  std::string where;
  ObjectId commit;
  detail::TreePtr tree;  // the commit's root tree
};

struct BlobWriter::Impl {
  std::string where;
  detail::WriteStreamPtr stream;  // null once finish() has run
};

namespace detail {

std::string to_hex(const git_oid& oid);
// Parses `id` as a full object id; throws Error(ExitCode::store) naming `id` when malformed.
git_oid to_oid(const ObjectId& id);
inline ObjectId to_object_id(const git_oid& oid) { return ObjectId{to_hex(oid)}; }

// The commit `ref` points at, or nullopt when the ref does not exist yet. Throws when it is a
// symbolic ref (compare-and-swap would compare the wrong thing).
std::optional<git_oid> read_ref(const Repository& repo, const std::string& ref);

// Throws Error(ExitCode::usage) unless `ref` is a valid full reference name under refs/.
void require_valid_ref_name(const std::string& ref);

// The size in bytes of object `oid`, from its header (nothing is inflated). Throws
// Error(ExitCode::store) naming `what` when the object cannot be read.
std::uint64_t object_size(git_repository* repo, const git_oid& oid, const std::string& what);

// run_git (docket/store/remote.hpp) on the git dir `git_dir`; with `on_out`, git's standard
// output is handed to it chunk by chunk (at most 8 KiB each) instead of being captured, so a
// large output costs no memory. An exception from `on_out` kills git and propagates.
GitRun run_git_in(const std::filesystem::path& git_dir, const std::vector<std::string>& args,
                  const std::function<void(std::string_view)>* on_out);

}  // namespace detail
}  // namespace docket::store
