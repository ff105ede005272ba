#pragma once
// What the store's .cpp files share: the Impl structs behind the public classes and the
// conversions between ObjectId and git_oid.

#include <git2.h>

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace detail
}  // namespace docket::store
