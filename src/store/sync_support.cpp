// What `docket sync` needs from the object database beyond transactions: other refs, merge
// bases, roots, a compare-and-swap fast-forward, and blob ids computed without writing.

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

using detail::check;
using detail::throw_git_error;

ObjectId hash_blob(std::string_view content) {
  git_oid id{};
  check(git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB), "cannot hash a blob");
  return detail::to_object_id(id);
}

std::optional<ObjectId> Store::lookup_ref(const std::string& name) const {
  detail::require_valid_ref_name(name);
  const auto target = detail::read_ref(repo_, name);
  if (!target) return std::nullopt;
  return detail::to_object_id(*target);
}

std::optional<ObjectId> Store::merge_base(const ObjectId& a, const ObjectId& b) const {
  const git_oid one = detail::to_oid(a);
  const git_oid two = detail::to_oid(b);
  git_oid base{};
  const int rc = git_merge_base(&base, repo_.impl().repo.get(), &one, &two);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) throw_git_error(rc, "cannot find the common ancestor of " + a.hex + " and " + b.hex + " in '" + repo_.impl().where + "'");
  return detail::to_object_id(base);
}

void Store::restore_ref(const std::string& name, const std::optional<ObjectId>& value) {
  detail::require_valid_ref_name(name);
  if (name == ref_)
    throw Error(ExitCode::internal, "restore_ref may not move the store's own ref " + ref_ + "; use try_move");
  git_repository* repo = repo_.impl().repo.get();
  if (!value) {
    const int rc = git_reference_remove(repo, name.c_str());
    if (rc < 0 && rc != GIT_ENOTFOUND) throw_git_error(rc, "cannot remove " + name + " in '" + repo_.impl().where + "'");
    return;
  }
  const git_oid id = detail::to_oid(*value);
  git_reference* raw = nullptr;
  const int rc = git_reference_create(&raw, repo, name.c_str(), &id, /*force=*/1, "docket: restore after a refused sync");
  detail::ReferencePtr ref(raw);
  if (rc < 0) throw_git_error(rc, "cannot restore " + name + " in '" + repo_.impl().where + "'");
}

bool Store::try_move(const ObjectId& expected, const ObjectId& target, const std::string& log_message) {
  const git_oid new_id = detail::to_oid(target);
  // The all-zero id means "must not exist" (see compare_and_swap in store.cpp for why a create
  // also goes through git_reference_create_matching).
  const git_oid old_id = expected.empty() ? git_oid{} : detail::to_oid(expected);
  git_reference* raw = nullptr;
  const int rc = git_reference_create_matching(&raw, repo_.impl().repo.get(), ref_.c_str(), &new_id, /*force=*/1, &old_id,
                                               log_message.c_str());
  detail::ReferencePtr moved(raw);
  if (rc == 0) return true;
  if (rc == GIT_EMODIFIED || rc == GIT_ELOCKED || rc == GIT_ENOTFOUND) return false;
  throw_git_error(rc, "cannot move " + ref_ + " in '" + repo_.impl().where + "'");
}

namespace {

// Walks the commits reachable from `tip` but not from `hide`, calling `visit` on each.
template <class Visit>
void walk_between(const Repository& repository, const ObjectId& tip, const std::optional<ObjectId>& hide, Visit visit,
                  unsigned sorting = GIT_SORT_NONE) {
  git_repository* repo = repository.impl().repo.get();
  const std::string& where = repository.impl().where;
  git_revwalk* raw_walk = nullptr;
  check(git_revwalk_new(&raw_walk, repo), "cannot walk the history of " + tip.hex + " in '" + where + "'");
  detail::RevwalkPtr walk(raw_walk);
  check(git_revwalk_sorting(walk.get(), sorting), "cannot sort the history of " + tip.hex + " in '" + where + "'");
  const git_oid start = detail::to_oid(tip);
  check(git_revwalk_push(walk.get(), &start), "cannot walk the history of " + tip.hex + " in '" + where + "'");
  if (hide) {
    const git_oid hidden = detail::to_oid(*hide);
    check(git_revwalk_hide(walk.get(), &hidden), "cannot walk the history of " + hide->hex + " in '" + where + "'");
  }
  git_oid id{};
  int rc = 0;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0) visit(repo, where, id);
  if (rc != GIT_ITEROVER) throw_git_error(rc, "cannot walk the history of " + tip.hex + " in '" + where + "'");
}

}  // namespace

std::vector<ObjectId> Store::roots(const ObjectId& tip, const std::optional<ObjectId>& hide) const {
  std::vector<ObjectId> out;
  walk_between(repo_, tip, hide, [&](git_repository* repo, const std::string& where, const git_oid& id) {
    git_commit* raw_commit = nullptr;
    check(git_commit_lookup(&raw_commit, repo, &id), "cannot read commit " + detail::to_hex(id) + " in '" + where + "'");
    detail::CommitPtr commit(raw_commit);
    if (git_commit_parentcount(commit.get()) == 0) out.push_back(detail::to_object_id(id));
  });
  return out;
}

std::vector<ObjectId> Store::commits_between(const ObjectId& tip, const std::optional<ObjectId>& hide) const {
  std::vector<ObjectId> out;
  walk_between(
      repo_, tip, hide, [&](git_repository*, const std::string&, const git_oid& id) { out.push_back(detail::to_object_id(id)); },
      GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  return out;
}

std::size_t Store::count_commits(const ObjectId& tip, const std::optional<ObjectId>& hide) const {
  std::size_t count = 0;
  walk_between(repo_, tip, hide, [&](git_repository*, const std::string&, const git_oid&) { ++count; });
  return count;
}

}  // namespace docket::store
