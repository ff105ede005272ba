// Reading the trail back: order, raw bytes, parents.

#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

TEST_CASE("history is oldest first with raw commit text") {
  StoreWorld world;
  auto first = world.commit_file("docket.yaml", "p\n");
  auto second = world.commit(world.store.tip(), {{"a", "1"}}, "open EX-1\n\nbody line\n");
  auto third = world.commit_file("b", "2");

  auto history = world.store.history();
  REQUIRE(history.size() == 3);
  CHECK(history[0].id == first);
  CHECK(history[1].id == second);
  CHECK(history[2].id == third);
  CHECK(history[0].parents.empty());
  CHECK(history[1].parents == std::vector<store::ObjectId>{first});
  CHECK(history[2].parents == std::vector<store::ObjectId>{second});

  for (const auto& commit : history) {
    CAPTURE(commit.id.hex);
    CHECK(commit.raw == world.git({"cat-file", "commit", commit.id.hex}).out);
    CHECK(commit.author_email == kAliceEmail);
    CHECK(commit.author_name == "Alice Example");
    CHECK(commit.committer_name == "Alice Example");
    CHECK(commit.time == Timestamp{1'790'000'000});
  }
  CHECK(history[1].message == "open EX-1\n\nbody line\n");
  CHECK(history[0].message == "write docket.yaml\n");

  auto single = world.store.read_commit(second);
  CHECK(single.raw == history[1].raw);
  CHECK(single.parents == history[1].parents);
}

TEST_CASE("history of an absent ref is empty") {
  StoreWorld world;
  CHECK(world.store.history().empty());
}

TEST_CASE("history puts both parents of a merge before the merge") {
  StoreWorld world;
  auto base = world.commit_file("base", "0");
  store::Snapshot base_view = world.store.tip();
  store::Store side(world.repo, "refs/heads/side");
  auto theirs = side.try_commit_merge(base_view, {{"side", "s"}}, {base}, store::ObjectId{}, info_for("side"), *world.alice.signer);
  REQUIRE(theirs);
  auto ours = world.commit_file("main", "m");
  auto merge = world.store.try_commit_merge(world.store.tip(), {{"side", "s"}}, {ours, *theirs}, ours, info_for("merge"),
                                            *world.alice.signer);
  REQUIRE(merge);

  auto history = world.store.history();
  REQUIRE(history.size() == 4);
  CHECK(history.front().id == base);
  CHECK(history.back().id == *merge);
  CHECK(history.back().parents == std::vector<store::ObjectId>{ours, *theirs});
}

TEST_CASE("read_commit refuses an unknown id or an object that is not a commit") {
  StoreWorld world;
  world.commit_file("docket.yaml", "p\n");
  try {
    world.store.read_commit(store::ObjectId{std::string(40, '1')});
    FAIL("read a commit that does not exist");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::not_found);
    CHECK(std::string(e.what()).find(std::string(40, '1')) != std::string::npos);
  }
  auto blob = world.store.tip().blob_id("docket.yaml");
  REQUIRE(blob);
  CHECK_THROWS_AS(world.store.read_commit(*blob), Error);
}
