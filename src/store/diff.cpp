// Which paths differ between two trees, for `verify`: it must look at every path a commit
// touched, and only at those. Subtrees with equal ids are skipped unread (git's own trick), so
// comparing two versions of a store with thousands of records reads a handful of small trees.

#include <algorithm>
#include <map>

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

using detail::throw_git_error;

namespace {

struct TreeDiff {
  git_repository* repo = nullptr;
  std::string where;
  std::vector<PathChange> out;

  detail::TreePtr lookup(const git_oid& id, const std::string& path) const {
    git_tree* raw = nullptr;
    int rc = git_tree_lookup(&raw, repo, &id);
    detail::TreePtr tree(raw);
    if (rc < 0) throw_git_error(rc, "cannot read folder '" + path + "' in '" + where + "'");
    return tree;
  }

  // Entries by name; git's own order sorts a folder as if its name ended in '/', which would
  // make a merge walk subtle, and these trees are small (fan-out keeps them so).
  // A name listed twice (git fsck's duplicateEntries) is refused: keeping either copy would
  // hide the other from the comparison.
  std::map<std::string, const git_tree_entry*> entries(const git_tree* tree, const std::string& prefix) const {
    std::map<std::string, const git_tree_entry*> byname;
    if (!tree) return byname;
    const size_t count = git_tree_entrycount(tree);
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      if (!byname.emplace(git_tree_entry_name(e), e).second)
        throw Error(ExitCode::store,
                    "the folder '" + (prefix.empty() ? std::string("/") : prefix) + "' lists '" + git_tree_entry_name(e) +
                        "' twice in '" + where + "': the tree is malformed",
                    "the tree was not written by git or docket; see git fsck");
    }
    return byname;
  }

  static bool is_folder(const git_tree_entry* e) { return e && git_tree_entry_type(e) == GIT_OBJECT_TREE; }

  // A file's version; a folder where the layout has files (`descended` false) is one too.
  static std::optional<FileVersion> file_version(const git_tree_entry* e, bool descended) {
    if (!e || (is_folder(e) && descended)) return std::nullopt;
    return FileVersion{detail::to_object_id(*git_tree_entry_id(e)), static_cast<std::uint32_t>(git_tree_entry_filemode_raw(e))};
  }

  // One pair of folders still to compare (either may be absent), found at `prefix`.
  struct Pending {
    detail::TreePtr a, b;
    std::string prefix;
    std::size_t depth;  // path components of the folder itself (0 for the root)
  };

  // Compares the folders `a` and `b` with an explicit work list, never descending below
  // kLayoutDepth: a hostile tree's nesting costs neither stack nor time.
  void compare(const git_tree* root_a, const git_tree* root_b) {
    std::vector<Pending> pending;
    auto compare_one = [&](const git_tree* a, const git_tree* b, const std::string& prefix, std::size_t depth) {
      const auto before = entries(a, prefix);
      const auto after = entries(b, prefix);
      auto ia = before.begin();
      auto ib = after.begin();
      while (ia != before.end() || ib != after.end()) {
        // Merge the two sorted name lists: a name on one side only is an addition or a removal.
        const bool take_a = ib == after.end() || (ia != before.end() && ia->first <= ib->first);
        const bool take_b = ia == before.end() || (ib != after.end() && ib->first <= ia->first);
        const std::string name = take_a ? ia->first : ib->first;
        const git_tree_entry* ea = take_a ? (ia++)->second : nullptr;
        const git_tree_entry* eb = take_b ? (ib++)->second : nullptr;
        if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
            git_tree_entry_filemode_raw(ea) == git_tree_entry_filemode_raw(eb))
          continue;  // identical file or identical folder: nothing below it changed
        const std::string path = prefix + name;
        // A folder on either side is descended into (within the layout's depth); a file on
        // either side is one change. A path that is a file on one side and a folder on the
        // other is both.
        const bool descend = depth + 1 < kLayoutDepth;
        if (descend && (is_folder(ea) || is_folder(eb))) {
          pending.push_back({is_folder(ea) ? lookup(*git_tree_entry_id(ea), path) : nullptr,
                             is_folder(eb) ? lookup(*git_tree_entry_id(eb), path) : nullptr, path + "/", depth + 1});
        }
        auto fa = file_version(ea, descend);
        auto fb = file_version(eb, descend);
        if (fa || fb) out.push_back({path, std::move(fa), std::move(fb)});
      }
    };
    compare_one(root_a, root_b, "", 0);
    while (!pending.empty()) {
      Pending next = std::move(pending.back());
      pending.pop_back();
      compare_one(next.a.get(), next.b.get(), next.prefix, next.depth);
    }
  }
};

}  // namespace

std::vector<PathChange> Store::changed_paths(const Snapshot& before, const Snapshot& after) const {
  TreeDiff diff;
  diff.repo = repo_.impl().repo.get();
  diff.where = repo_.impl().where;
  diff.compare(before.impl() ? before.impl()->tree.get() : nullptr, after.impl() ? after.impl()->tree.get() : nullptr);
  std::sort(diff.out.begin(), diff.out.end(), [](const PathChange& x, const PathChange& y) { return x.path < y.path; });
  return std::move(diff.out);
}

}  // namespace docket::store
