// Reading the audit trail: the ref's commits, oldest first, each with its raw object bytes so
// that signatures can be checked against exactly what was signed.

#include <algorithm>

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

using detail::check;
using detail::throw_git_error;

namespace {

CommitRecord read_commit_record(git_repository* repo, git_odb* odb, const std::string& where, const git_oid& id) {
  std::string hex = detail::to_hex(id);

  git_odb_object* raw_object = nullptr;
  int rc = git_odb_read(&raw_object, odb, &id);
  detail::OdbObjectPtr object(raw_object);
  if (rc == GIT_ENOTFOUND)
    throw Error(ExitCode::not_found, "no commit " + hex + " in '" + where + "'", "fetch it, or check the commit id");
  if (rc < 0) throw_git_error(rc, "cannot read object " + hex + " in '" + where + "'");
  if (git_odb_object_type(object.get()) != GIT_OBJECT_COMMIT)
    throw Error(ExitCode::not_found, "object " + hex + " in '" + where + "' is not a commit");

  git_commit* raw_commit = nullptr;
  rc = git_commit_lookup(&raw_commit, repo, &id);
  detail::CommitPtr commit(raw_commit);
  if (rc < 0) throw_git_error(rc, "cannot parse commit " + hex + " in '" + where + "'");

  CommitRecord record;
  record.id = ObjectId{hex};
  // The bytes exactly as stored (what `git cat-file commit` prints), not libgit2's parsed view.
  record.raw.assign(static_cast<const char*>(git_odb_object_data(object.get())), git_odb_object_size(object.get()));
  unsigned parent_count = git_commit_parentcount(commit.get());
  for (unsigned i = 0; i < parent_count; ++i) record.parents.push_back(detail::to_object_id(*git_commit_parent_id(commit.get(), i)));
  const char* message = git_commit_message(commit.get());
  record.message = message ? message : "";
  const git_signature* author = git_commit_author(commit.get());
  record.author_name = author->name;
  record.author_email = author->email;
  record.time = Timestamp{author->when.time};
  const git_signature* committer = git_commit_committer(commit.get());
  record.committer_name = committer->name;
  record.committer_email = committer->email;
  record.committer_time = Timestamp{committer->when.time};
  record.author_offset = author->when.offset;
  record.committer_offset = committer->when.offset;
  // The identity lines as stored: libgit2 normalises an offset it cannot read.
  const std::string_view raw = record.raw;
  const std::string_view header = raw.substr(0, raw.find("\n\n"));
  std::size_t start = 0;
  while (start < header.size()) {
    const std::size_t end = std::min(header.find('\n', start), header.size());
    const std::string_view line = header.substr(start, end - start);
    if (line.starts_with("author ") && record.author_line.empty()) record.author_line = std::string(line.substr(7));
    if (line.starts_with("committer ") && record.committer_line.empty()) record.committer_line = std::string(line.substr(10));
    start = end + 1;
  }
  return record;
}

detail::OdbPtr open_odb(git_repository* repo, const std::string& where) {
  git_odb* raw = nullptr;
  check(git_repository_odb(&raw, repo), "cannot open the object database of '" + where + "'");
  return detail::OdbPtr(raw);
}

}  // namespace

CommitRecord Store::read_commit(const ObjectId& id) const {
  git_repository* repo = repo_.impl().repo.get();
  const std::string& where = repo_.impl().where;
  detail::OdbPtr odb = open_odb(repo, where);
  return read_commit_record(repo, odb.get(), where, detail::to_oid(id));
}

std::vector<CommitRecord> Store::history() const {
  const std::optional<git_oid> tip_id = detail::read_ref(repo_, ref_);
  if (!tip_id) return {};
  return history_between(detail::to_object_id(*tip_id), std::nullopt);
}

std::vector<CommitRecord> Store::history_between(const ObjectId& tip, const std::optional<ObjectId>& hide) const {
  git_repository* repo = repo_.impl().repo.get();
  const std::string& where = repo_.impl().where;
  std::vector<CommitRecord> records;
  git_revwalk* raw_walk = nullptr;
  check(git_revwalk_new(&raw_walk, repo), "cannot walk the history of " + ref_ + " in '" + where + "'");
  detail::RevwalkPtr walk(raw_walk);
  // Topological and reversed: every parent comes before its children, the root first, which is
  // the order `verify` replays the trail in.
  check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE),
        "cannot sort the history of " + ref_ + " in '" + where + "'");
  const git_oid start = detail::to_oid(tip);
  check(git_revwalk_push(walk.get(), &start), "cannot walk the history of " + tip.hex + " in '" + where + "'");
  if (hide) {
    const git_oid hidden = detail::to_oid(*hide);
    check(git_revwalk_hide(walk.get(), &hidden), "cannot walk the history of " + hide->hex + " in '" + where + "'");
  }
  detail::OdbPtr odb = open_odb(repo, where);
  git_oid id{};
  int rc = 0;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0) records.push_back(read_commit_record(repo, odb.get(), where, id));
  if (rc != GIT_ITEROVER) throw_git_error(rc, "cannot walk the history of " + ref_ + " in '" + where + "'");
  return records;
}

bool Store::descends_from(const ObjectId& commit, const ObjectId& ancestor) const {
  if (commit == ancestor) return true;
  git_repository* repo = repo_.impl().repo.get();
  const git_oid one = detail::to_oid(commit);
  const git_oid two = detail::to_oid(ancestor);
  git_odb* raw_odb = nullptr;
  check(git_repository_odb(&raw_odb, repo), "cannot open the object database of '" + repo_.impl().where + "'");
  detail::OdbPtr odb(raw_odb);
  if (!git_odb_exists(odb.get(), &two)) return false;  // the ancestor is gone: not descended from it
  const int rc = git_graph_descendant_of(repo, &one, &two);
  if (rc < 0) throw_git_error(rc, "cannot tell whether " + commit.hex + " descends from " + ancestor.hex + " in '" + repo_.impl().where + "'");
  return rc == 1;
}

}  // namespace docket::store
