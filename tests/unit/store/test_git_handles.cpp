// The handle owners in src/store/git_handles.hpp: one owner across moves, nothing leaked or freed
// twice (the sanitizer build checks both).

#include "../../../src/store/git_handles.hpp"
#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;
using docket::store::detail::GitBuf;
using docket::store::detail::RepositoryPtr;

namespace {

RepositoryPtr open_raw(const std::filesystem::path& dir) {
  git_repository* raw = nullptr;
  REQUIRE(git_repository_open(&raw, dir.c_str()) == 0);
  return RepositoryPtr(raw);
}

}  // namespace

TEST_CASE("a git handle has exactly one owner across moves") {
  GitSandbox sandbox;
  store::LibGit2 libgit2;
  TempDir dir;
  run_ok({"git", "init", "-q", (dir / "one").string()});
  run_ok({"git", "init", "-q", (dir / "two").string()});

  RepositoryPtr first = open_raw(dir / "one");
  git_repository* handle = first.get();
  RepositoryPtr second = std::move(first);
  CHECK(first == nullptr);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  CHECK(second.get() == handle);

  RepositoryPtr other = open_raw(dir / "two");
  other = std::move(second);  // frees the handle on "two"; a leak or double free fails under ASan
  CHECK(other.get() == handle);
  CHECK(git_repository_is_bare(other.get()) == 0);

  other.reset();
  CHECK(other == nullptr);
}

TEST_CASE("a git buffer is empty until libgit2 fills it and is disposed once") {
  GitSandbox sandbox;
  store::LibGit2 libgit2;
  TempDir dir;
  run_ok({"git", "init", "-q", (dir / "repo").string()});

  GitBuf buffer;
  CHECK(buffer.view().empty());
  CHECK(std::string(buffer.c_str()).empty());
  REQUIRE(git_repository_discover(buffer.get(), (dir / "repo").c_str(), 0, nullptr) == 0);
  CHECK(std::string(buffer.c_str()) == buffer.view());
  CHECK(buffer.view().find(".git") != std::string_view::npos);
}
