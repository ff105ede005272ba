// The transaction loop: lost races are retried from a fresh tip, so concurrent writers never lose
// an update, and nothing moves when the caller aborts.

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

TEST_CASE("update creates the ref on an empty store") {
  StoreWorld world;
  auto id = world.store.update(
      [](const store::Snapshot& tip) {
        CHECK(tip.empty());
        return store::Store::Update{{{"docket.yaml", "p\n"}}, info_for("init")};
      },
      *world.alice.signer);
  CHECK(world.store.tip().commit() == id);
  CHECK(world.store.tip().read("docket.yaml") == "p\n");
}

TEST_CASE("update retries after a lost race and keeps both changes") {
  StoreWorld world;
  world.commit_file("docket.yaml", "p\n");
  // Another writer with its own handle on the same repository, as another process would have.
  store::Repository second_handle = store::Repository::open(world.repo_dir);
  store::Store other(second_handle, kRef);

  int calls = 0;
  std::vector<std::string> seen_tips;
  auto id = world.store.update(
      [&](const store::Snapshot& tip) {
        ++calls;
        seen_tips.push_back(tip.commit().hex);
        if (calls == 1) {
          auto theirs = other.try_commit(other.tip(), {{"exceptions/AA/EX-AA1.yaml", "theirs\n"}}, info_for("theirs"),
                                         *world.alice.signer);
          REQUIRE(theirs);
        }
        return store::Store::Update{{{"exceptions/BB/EX-BB1.yaml", "ours\n"}}, info_for("ours")};
      },
      *world.alice.signer);

  CHECK(calls == 2);
  REQUIRE(seen_tips.size() == 2);
  CHECK(seen_tips[0] != seen_tips[1]);  // the retry started from the other writer's commit
  store::Snapshot tip = world.store.tip();
  CHECK(tip.commit() == id);
  CHECK(tip.read("exceptions/AA/EX-AA1.yaml") == "theirs\n");
  CHECK(tip.read("exceptions/BB/EX-BB1.yaml") == "ours\n");
  CHECK(world.git_lines({"log", "--format=%s", kRef}) == std::vector<std::string>{"ours", "theirs", "write docket.yaml"});
  CHECK(world.git_lines({"rev-list", "--merges", kRef}).empty());
}

TEST_CASE("ref never moves when build throws") {
  StoreWorld world;
  world.commit_file("docket.yaml", "p\n");
  store::ObjectId before = world.store.tip().commit();
  CHECK_THROWS_WITH_AS(world.store.update([](const store::Snapshot&) -> store::Store::Update { throw Error(ExitCode::refused, "no"); },
                                          *world.alice.signer),
                       "no", Error);
  CHECK(world.store.tip().commit() == before);
  CHECK(world.store.history().size() == 1);
}

TEST_CASE("update gives up with a conflict error after max_attempts") {
  StoreWorld world;
  world.commit_file("docket.yaml", "p\n");
  store::Repository second_handle = store::Repository::open(world.repo_dir);
  store::Store other(second_handle, kRef);

  int calls = 0;
  auto always_overtaken = [&](const store::Snapshot&) {
    ++calls;
    auto theirs = other.try_commit(other.tip(), {{"counter", std::to_string(calls)}}, info_for("theirs"), *world.alice.signer);
    REQUIRE(theirs);
    return store::Store::Update{{{"mine", "x"}}, info_for("ours")};
  };
  store::RetryPolicy retry{3, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
  try {
    world.store.update(always_overtaken, *world.alice.signer, retry);
    FAIL("update won against a writer that always got there first");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::conflict);
    CHECK(e.hint() == "retry the command");
    CHECK(std::string(e.what()).find(kRef) != std::string::npos);
  }
  CHECK(calls == 3);
  CHECK_FALSE(world.store.tip().read("mine"));
}

TEST_CASE("of writers racing to create the ref, exactly one wins") {
  // The existence check must happen under the ref's lock: checked before it, two creators can
  // both see "absent" and the second silently replaces the first's root commit.
  constexpr int rounds = 100;  // the unsafe create lost about once in 40 rounds here
  constexpr int writers = 4;
  StoreWorld world;
  std::vector<store::Repository> repos;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int w = 0; w < writers; ++w) repos.push_back(store::Repository::open(world.repo_dir));
  for (auto& repo : repos) stores.push_back(std::make_unique<store::Store>(repo, kRef));
  std::vector<store::Snapshot> empty_tips;
  std::vector<std::unique_ptr<crypto::Signer>> signers;
  for (auto& s : stores) {
    empty_tips.push_back(s->tip());
    signers.push_back(crypto::load_signer(world.alice.path.string(), {}));
  }

  for (int round = 0; round < rounds; ++round) {
    CAPTURE(round);
    std::atomic<int> ready{0};
    std::vector<std::optional<store::ObjectId>> results(writers);
    std::vector<std::exception_ptr> failures(writers);
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        try {
          std::vector<store::Change> changes{{"writer", std::to_string(w)}};
          ++ready;
          while (ready.load() < writers) std::this_thread::yield();  // start together
          results[w] = stores[w]->try_commit(empty_tips[w], changes, info_for("root " + std::to_string(w)), *signers[w]);
        } catch (...) {
          failures[w] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& failure : failures)
      if (failure) std::rethrow_exception(failure);

    int winners = 0;
    for (const auto& result : results) winners += result.has_value();
    CHECK(winners == 1);
    for (const auto& result : results)
      if (result) CHECK(world.store.tip().commit() == *result);
    world.git({"update-ref", "-d", kRef});
  }
}

TEST_CASE("concurrent updates from several threads lose nothing") {
  StoreWorld world;
  constexpr int threads = 4;
  constexpr int commits_per_thread = 10;
  std::atomic<int> builds{0};
  std::mutex failure_lock;
  std::exception_ptr failure;

  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      try {
        // Each writer has its own repository handle and key, as separate processes would.
        store::Repository repo = store::Repository::open(world.repo_dir);
        store::Store store(repo, kRef);
        auto signer = crypto::load_signer(world.alice.path.string(), {});
        for (int i = 0; i < commits_per_thread; ++i) {
          std::string path = "exceptions/T" + std::to_string(t) + "/EX-" + std::to_string(i) + ".yaml";
          store.update(
              [&](const store::Snapshot&) {
                ++builds;
                return store::Store::Update{{{path, "writer " + std::to_string(t) + "\n"}}, info_for("write " + path)};
              },
              *signer);
        }
      } catch (...) {
        std::lock_guard<std::mutex> guard(failure_lock);
        if (!failure) failure = std::current_exception();
      }
    });
  }
  for (auto& writer : writers) writer.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (failure) std::rethrow_exception(failure);

  constexpr int total = threads * commits_per_thread;
  CHECK(world.store.tip().walk("exceptions").size() == total);
  auto history = world.store.history();
  CHECK(history.size() == total);
  for (const auto& commit : history) CHECK(commit.parents.size() <= 1);
  CHECK(world.git_lines({"rev-list", "--count", kRef}) == std::vector<std::string>{std::to_string(total)});
  world.git({"fsck", "--strict", "--no-dangling"});
  MESSAGE(total, " commits from ", threads, " threads in ", seconds, " s (", total / seconds, " commits/s, ",
          builds.load() - total, " lost races retried)");
}
