#include "git_error.hpp"

#include <git2.h>

namespace docket::store::detail {

std::string last_git_message(int rc) {
  const git_error* error = git_error_last();
  if (error && error->message && *error->message) return error->message;
  return "libgit2 error " + std::to_string(rc);
}

void throw_git_error(int rc, const std::string& what, std::string hint, ExitCode code) {
  std::string message = last_git_message(rc);  // first: anything below could reset it
  throw Error(code, what + ": " + message, std::move(hint));
}

}  // namespace docket::store::detail
