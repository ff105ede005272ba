// Finding, opening and creating repositories; config and HEAD.

#include "docket/store/files.hpp"
#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

namespace {

// A sandbox and libgit2, without a repository: for tests that make their own.
struct Bare {
  GitSandbox sandbox;
  store::LibGit2 libgit2;
  TempDir dir;
  Bare() { isolate_libgit2(sandbox.home()); }
};

}  // namespace

TEST_CASE("discover finds the repository from a nested folder") {
  Bare world;
  run_ok({"git", "init", "-q", (world.dir / "repo").string()});
  auto nested = world.dir / "repo" / "a" / "b";
  std::filesystem::create_directories(nested);

  store::Repository repo = store::Repository::discover(nested);
  CHECK(std::filesystem::equivalent(repo.git_dir(), world.dir / "repo" / ".git"));
  CHECK_FALSE(repo.is_bare());
}

TEST_CASE("discover in a folder with no repository names the folder") {
  Bare world;
  auto lonely = world.dir / "nothing-here";
  std::filesystem::create_directories(lonely);
  try {
    store::Repository::discover(lonely);
    FAIL("discover succeeded outside any repository");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::store);
    CHECK(std::string(e.what()).find(lonely.string()) != std::string::npos);
    CHECK_FALSE(e.hint().empty());
  }
}

TEST_CASE("open refuses a folder that is not a repository, naming it") {
  Bare world;
  auto folder = world.dir / "plain";
  std::filesystem::create_directories(folder);
  try {
    store::Repository::open(folder);
    FAIL("open succeeded on a plain folder");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::store);
    CHECK(std::string(e.what()).find(folder.string()) != std::string::npos);
  }
}

TEST_CASE("open does not search upward from a nested folder") {
  Bare world;
  run_ok({"git", "init", "-q", (world.dir / "repo").string()});
  std::filesystem::create_directories(world.dir / "repo" / "sub");
  CHECK_THROWS_AS(store::Repository::open(world.dir / "repo" / "sub"), Error);
  CHECK_NOTHROW(store::Repository::open(world.dir / "repo"));
  CHECK_NOTHROW(store::Repository::open(world.dir / "repo" / ".git"));
}

TEST_CASE("open_or_init creates a non-bare repository with missing parents, then reopens it") {
  Bare world;
  auto target = world.dir / "new" / "store";
  bool created = false;
  {
    store::Repository repo = store::Repository::open_or_init(target, created);
    CHECK(created);
    CHECK_FALSE(repo.is_bare());
  }
  CHECK(std::filesystem::is_directory(target / ".git"));
  store::Repository again = store::Repository::open_or_init(target, created);
  CHECK_FALSE(created);
  CHECK(std::filesystem::equivalent(again.git_dir(), target / ".git"));
}

TEST_CASE("works in a bare repository") {
  Bare world;
  auto bare_dir = world.dir / "shared.git";
  run_ok({"git", "init", "-q", "--bare", bare_dir.string()});
  TestKey alice(world.dir / "keys", kAliceEmail);

  store::Repository repo = store::Repository::discover(bare_dir);
  CHECK(repo.is_bare());
  CHECK(std::filesystem::equivalent(repo.git_dir(), bare_dir));
  store::Store store(repo, kRef);
  auto id = store.try_commit(store.tip(), {{"docket.yaml", "prefix: EX\n"}}, info_for("init"), *alice.signer);
  REQUIRE(id);

  auto shown = run_ok({"git", "-C", bare_dir.string(), "show", kRef + ":docket.yaml"});
  CHECK(shown.out == "prefix: EX\n");
  CHECK(trim(run_ok({"git", "-C", bare_dir.string(), "rev-parse", kRef}).out) == id->hex);
}

TEST_CASE("set_head points HEAD at the still unborn docket ref") {
  Bare world;
  bool created = false;
  store::Repository repo = store::Repository::open_or_init(world.dir / "repo", created);
  repo.set_head(kRef);
  CHECK(repo.head_target() == kRef);
  auto symbolic = run_ok({"git", "-C", (world.dir / "repo").string(), "symbolic-ref", "HEAD"});
  CHECK(trim(symbolic.out) == kRef);
}

TEST_CASE("head_target is empty when HEAD is detached") {
  StoreWorld world;
  world.commit_file("a", "1");
  world.git({"checkout", "-q", "--detach", kRef});
  CHECK_FALSE(world.repo.head_target());
}

TEST_CASE("config reads the repository's config and set_local_config writes the local file") {
  StoreWorld world;
  CHECK_FALSE(world.repo.config("docket.root"));
  world.repo.set_local_config("docket.root", "0123abcd");
  CHECK(world.repo.config("docket.root") == "0123abcd");
  CHECK(trim(world.git({"config", "--local", "--get", "docket.root"}).out) == "0123abcd");

  world.git({"config", "--local", "user.email", "bob@example.com"});
  CHECK(world.repo.config("user.email") == "bob@example.com");
}

TEST_CASE("invalid ref names are refused as usage errors") {
  StoreWorld world;
  for (const char* bad : {"docket", "HEAD", "refs/heads/bad..name", "refs/heads/sp ace", "refs/heads/", ""}) {
    CAPTURE(bad);
    try {
      store::Store store(world.repo, bad);
      FAIL("accepted ref name");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage);
    }
    CHECK_THROWS_AS(world.repo.set_head(bad), Error);
  }
  CHECK_NOTHROW(store::Store(world.repo, "refs/docket/audit"));
}

TEST_CASE("a symbolic docket ref is refused rather than compared wrongly") {
  StoreWorld world;
  world.commit_file("a", "1");
  world.git({"symbolic-ref", "refs/heads/alias", kRef});
  store::Store alias(world.repo, "refs/heads/alias");
  try {
    alias.tip();
    FAIL("read a symbolic ref as the store");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::store);
  }
}

TEST_CASE("a repository handle keeps working after being moved") {
  StoreWorld world;
  world.commit_file("a", "1");
  store::Repository moved = std::move(world.repo);
  store::Store store(moved, kRef);
  CHECK(store.tip().read("a") == "1");

  bool created = false;
  store::Repository other = store::Repository::open_or_init(world.dir / "other", created);
  other = std::move(moved);  // the handle `other` held is freed here (ASan checks it)
  CHECK(store::Store(other, kRef).tip().read("a") == "1");
}

TEST_CASE("write_file_atomically gives a new or replaced file the mode asked for") {
  TempDir dir;
  const auto hook = dir.path() / "hook";
  store::write_file_atomically(hook, "#!/bin/sh\n", /*durable=*/false, 0755);
  CHECK((std::filesystem::status(hook).permissions() & std::filesystem::perms::all) == static_cast<std::filesystem::perms>(0755));
  std::filesystem::permissions(hook, static_cast<std::filesystem::perms>(0600));
  store::write_file_atomically(hook, "#!/bin/sh\nexit 0\n", /*durable=*/false, 0755);
  CHECK((std::filesystem::status(hook).permissions() & std::filesystem::perms::all) == static_cast<std::filesystem::perms>(0755));
  store::write_file_atomically(hook, "plain\n", /*durable=*/false);  // no mode: the file keeps its own
  CHECK((std::filesystem::status(hook).permissions() & std::filesystem::perms::all) == static_cast<std::filesystem::perms>(0755));
}
