#pragma once
// Turning libgit2 return codes into docket::Error. libgit2 keeps its last error message in
// thread-local state that the next call may overwrite (include/git2/errors.h), so the message is
// captured here, immediately after the failing call, never later.

#include <string>

#include "docket/core/error.hpp"

namespace docket::store::detail {

// libgit2's message for the last failure on this thread, or a generic text naming `rc`.
std::string last_git_message(int rc);

// Throws Error(`code`, "`what`: <libgit2's message>", `hint`).
[[noreturn]] void throw_git_error(int rc, const std::string& what, std::string hint = {},
                                  ExitCode code = ExitCode::store);

// For calls whose failure is never expected: throws when `rc` < 0. `what` names the operation and
// the repository, ref or path concerned.
inline void check(int rc, const std::string& what) {
  if (rc < 0) throw_git_error(rc, what);
}

}  // namespace docket::store::detail
