#pragma once
// The world each store test builds for itself: a sandboxed git (no user or system config, as
// libgit2's clar harness does), a fresh repository, an Ed25519 key made by ssh-keygen, and
// helpers to ask stock git — the referee — what it sees.

#include <doctest/doctest.h>
#include <git2.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "docket/core/error.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/store/store.hpp"

namespace docket::test {

inline const std::string kRef = "refs/heads/docket";
inline const std::string kAliceEmail = "alice@example.com";

// Points HOME and git's config search at an empty folder for the test's life, so neither stock
// git nor libgit2 reads the user's or the machine's config. Must be created before LibGit2:
// libgit2 reads its search paths when it initialises.
class GitSandbox {
public:
  GitSandbox() {
    std::filesystem::create_directories(home_);
    setenv("HOME", home_.c_str(), 1);
    setenv("XDG_CONFIG_HOME", (home_ / ".config").c_str(), 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
    // Stock git needs an identity for the commits tests make "behind docket's back".
    setenv("GIT_AUTHOR_NAME", "Tester", 1);
    setenv("GIT_AUTHOR_EMAIL", "tester@example.com", 1);
    setenv("GIT_COMMITTER_NAME", "Tester", 1);
    setenv("GIT_COMMITTER_EMAIL", "tester@example.com", 1);
  }
  const std::filesystem::path& home() const { return home_; }

private:
  TempDir root_;
  std::filesystem::path home_ = root_.path() / "home";
};

// libgit2 does not honour GIT_CONFIG_NOSYSTEM / GIT_CONFIG_GLOBAL: point its search paths at the
// sandbox instead. Call after LibGit2 is initialised (shutdown resets them).
inline void isolate_libgit2(const std::filesystem::path& home) {
  for (int level : {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA})
    REQUIRE(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, home.c_str()) == 0);
}

inline RunResult run_ok(const std::vector<std::string>& argv, const std::string& input = {}) {
  RunResult result = run(argv, input);
  std::string command;
  for (const auto& arg : argv) command += arg + " ";
  INFO("command: ", command, "\noutput: ", result.out);
  REQUIRE(result.status == 0);
  return result;
}

inline std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A key pair for `email`, made by stock ssh-keygen, and the allowed_signers line for it.
struct TestKey {
  std::filesystem::path path;
  std::string email;
  std::unique_ptr<crypto::Signer> signer;

  TestKey(const std::filesystem::path& dir, std::string principal) : path(dir / "id_ed25519"), email(std::move(principal)) {
    std::filesystem::create_directories(dir);
    run_ok({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", path.string()});
    signer = crypto::load_signer(path.string(), {});
  }
  std::string allowed_signers_line() const {
    std::string pub = trim(read_file(path.string() + ".pub"));
    return email + " namespaces=\"git\" " + pub + "\n";
  }
};

inline store::CommitInfo info_for(const std::string& message, const std::string& email = kAliceEmail,
                                  std::int64_t when = 1'790'000'000) {
  auto parsed = Email::parse(email);
  REQUIRE(parsed);
  return store::CommitInfo{message, "Alice Example", *parsed, Timestamp{when}};
}

// A fresh non-bare repository with the docket ref as HEAD, an open Store on it and a key.
struct StoreWorld {
  GitSandbox sandbox;
  store::LibGit2 libgit2;
  TempDir dir;
  std::filesystem::path repo_dir = dir.path() / "repo";
  TestKey alice{dir.path() / "keys", kAliceEmail};
  store::Repository repo = make_repo();
  store::Store store{repo, kRef};

  store::Repository make_repo() {
    isolate_libgit2(sandbox.home());
    bool created = false;
    store::Repository r = store::Repository::open_or_init(repo_dir, created);
    r.set_head(kRef);
    return r;
  }

  // Stock git, run in the repository.
  RunResult git(std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", repo_dir.string()});
    return run_ok(args);
  }
  std::vector<std::string> git_lines(std::vector<std::string> args) {
    std::vector<std::string> lines;
    std::istringstream in(git(std::move(args)).out);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(line);
    return lines;
  }

  store::ObjectId commit(const store::Snapshot& base, std::vector<store::Change> changes, const std::string& message) {
    auto id = store.try_commit(base, changes, info_for(message), *alice.signer);
    REQUIRE(id);
    return *id;
  }
  store::ObjectId commit_file(const std::string& path, const std::string& content) {
    return commit(store.tip(), {{path, content}}, "write " + path);
  }
};

}  // namespace docket::test
