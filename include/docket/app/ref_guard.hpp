#pragma once
// The ref guard: a git `reference-transaction` hook that `docket init` installs in a repository
// with a work tree, so plain git there (a commit, reset or update-ref while the store's branch is
// checked out) cannot move a store's ref (docs/design.md §2, "The ref guard"). docket itself
// writes refs through libgit2, which runs no hooks; git's own pack-refs and gc, and pushes into
// the repository while another branch is checked out, pass.

#include <filesystem>
#include <string>
#include <string_view>

#include "docket/store/store.hpp"

namespace docket::app {

// The hook, a fixed POSIX sh script with no user text in it. It reads the guarded refs from git
// config: a ref with a recorded trust root (docket.<ref>.root, app/trust.hpp) is a store.
// Given git's `prepared` state and lines `OLD NEW REF` on standard input, it exits 1 (with a
// message on standard error naming the ref and how to get back to another branch) when REF is
// the ref HEAD points at, is a store, and would be set to a commit other than the one it holds;
// deletions (NEW all zeros: git pack-refs removing the loose copy) and rewrites to the same
// value (pack-refs writing packed-refs) pass. Every other state or ref: exit 0.
std::string_view ref_guard_hook();

// The first line after the shebang of every hook docket writes: how a hook is known as docket's.
inline constexpr std::string_view kRefGuardMarker = "# docket ref guard";

// What install_ref_guard did.
enum class RefGuardState {
  installed,          // written now (new, or an older docket hook replaced)
  already_installed,  // the same script was there
  bare_repository,    // no work tree, nobody commits there: no hook
  hooks_path_set,     // core.hooksPath is set: that folder (often shared) is left alone
  other_hook,         // a reference-transaction hook that is not docket's is there: left alone
};
std::string_view to_string(RefGuardState state);  // installed, already-installed, bare-repository, ...

struct RefGuard {
  RefGuardState state = RefGuardState::bare_repository;
  std::filesystem::path hook;  // where the hook is, or would be (empty for a bare repository)
  // For hooks_path_set and other_hook: a copy of the script, <common dir>/docket/ref-guard
  // (mode 0755), for the user's own hook to run with its argument and standard input.
  std::filesystem::path script;
};

// Installs ref_guard_hook() as <common dir>/hooks/reference-transaction (mode 0755, written
// atomically) in a repository with a work tree, unless core.hooksPath is set or another
// reference-transaction hook is there (then only the copy `script` is written). Throws Error(usage) naming the path when the hooks folder
// cannot be written.
RefGuard install_ref_guard(const store::Repository& repo);

}  // namespace docket::app
