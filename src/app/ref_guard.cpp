#include "docket/app/ref_guard.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "docket/core/error.hpp"
#include "docket/store/files.hpp"

namespace docket::app {
namespace {

// Fixed text: nothing from the user or the repository is written into it (the guarded refs are
// read from git config when it runs). POSIX sh and git plumbing only.
constexpr std::string_view kHook = R"sh(#!/bin/sh
# docket ref guard, installed by docket init (docket-init(1), THE REF GUARD).
# Refuses a plain git update of a docket store's ref while that ref is checked out here: a store
# changes only through signed docket commands. A store is a ref with a trust root in git config
# (docket.<ref>.root). Deleting the ref, and rewriting it to the value it has (git pack-refs, gc),
# pass. docket writes its refs through libgit2, which runs no hooks.
test "$1" = prepared || exit 0
head=$(git symbolic-ref -q HEAD) || exit 0
git config --get "docket.$head.root" >/dev/null 2>&1 || exit 0
while read -r _ new ref; do
  test "$ref" = "$head" || continue
  case $new in *[!0]*) ;; *) continue ;; esac
  current=$(git rev-parse -q --verify "$ref") || current=
  test "$new" = "$current" && continue
  echo "docket: refused to move $ref: it is a docket store, which changes only through signed docket commands (see docket list, git log $ref)" >&2
  echo "docket: $ref stays at ${current:-nothing}; leave it for a branch of your own: git switch - (or, with no other branch: git switch --orphan main)" >&2
  exit 1
done
exit 0
)sh";

std::optional<std::string> read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_script(const std::filesystem::path& folder, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
    throw Error(ExitCode::usage, "cannot create the folder " + folder.string() + ": " + ec.message(),
                "check the permissions of the repository's git folder");
  store::write_file_atomically(path, kHook, /*durable=*/true, /*mode=*/0755);
}

}  // namespace

std::string_view ref_guard_hook() { return kHook; }

std::string_view to_string(RefGuardState state) {
  switch (state) {
    case RefGuardState::installed: return "installed";
    case RefGuardState::already_installed: return "already-installed";
    case RefGuardState::bare_repository: return "bare-repository";
    case RefGuardState::hooks_path_set: return "hooks-path-set";
    case RefGuardState::other_hook: return "other-hook";
  }
  return "unknown";
}

RefGuard install_ref_guard(const store::Repository& repo) {
  RefGuard guard;  // bare_repository
  if (repo.is_bare()) return guard;
  const std::filesystem::path hooks = repo.common_dir() / "hooks";
  guard.hook = hooks / "reference-transaction";
  guard.state = RefGuardState::installed;
  if (const auto path = repo.config("core.hooksPath")) {
    guard.state = RefGuardState::hooks_path_set;
    guard.hook = *path;
    guard.hook /= "reference-transaction";
  } else if (std::error_code ec; std::filesystem::exists(std::filesystem::symlink_status(guard.hook, ec))) {
    // A docket hook (its marker line) is replaced by this version; any other is left alone.
    const auto text = std::filesystem::is_regular_file(guard.hook, ec) ? read_whole(guard.hook) : std::nullopt;
    if (!text || text->find(kRefGuardMarker) == std::string::npos)
      guard.state = RefGuardState::other_hook;
    else if (*text == kHook)
      guard.state = RefGuardState::already_installed;
  }
  switch (guard.state) {
    case RefGuardState::installed: write_script(hooks, guard.hook); break;
    case RefGuardState::hooks_path_set:
    case RefGuardState::other_hook:
      guard.script = repo.common_dir() / "docket" / "ref-guard";
      write_script(guard.script.parent_path(), guard.script);
      break;
    default: break;
  }
  return guard;
}

}  // namespace docket::app
