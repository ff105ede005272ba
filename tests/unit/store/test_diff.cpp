// Store::changed_paths: every path two trees differ in, and nothing else; `verify` relies on it
// to see each path a commit touched.

#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

namespace {

std::vector<std::string> paths(const std::vector<store::PathChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.path);
  return out;
}

}  // namespace

TEST_CASE("changed_paths reports additions, modifications and removals, sorted, with blob ids") {
  StoreWorld world;
  world.commit(world.store.tip(), {{"docket.yaml", "a\n"}, {"exceptions/7F/EX-7F1.yaml", "one\n"}, {"exceptions/8G/EX-8G1.yaml", "x\n"}},
               "first");
  const auto before = world.store.tip();
  world.commit(before, {{"exceptions/7F/EX-7F1.yaml", "two\n"}, {"exceptions/8G/EX-8G1.yaml", store::Removal{}}, {"evidence/ab/abc", "e"}},
               "second");
  const auto after = world.store.tip();

  const auto changes = world.store.changed_paths(before, after);
  REQUIRE(paths(changes) == std::vector<std::string>{"evidence/ab/abc", "exceptions/7F/EX-7F1.yaml", "exceptions/8G/EX-8G1.yaml"});
  CHECK(!changes[0].before);
  REQUIRE(changes[0].after);
  CHECK(changes[0].after->id == *after.blob_id("evidence/ab/abc"));
  CHECK(changes[0].after->regular_file());
  REQUIRE(changes[1].before);
  REQUIRE(changes[1].after);
  CHECK(changes[1].before->id == *before.blob_id("exceptions/7F/EX-7F1.yaml"));
  CHECK(changes[1].after->id == *after.blob_id("exceptions/7F/EX-7F1.yaml"));
  CHECK(changes[2].before);
  CHECK(!changes[2].after);
}

TEST_CASE("changed_paths from an empty snapshot lists every file; equal trees list nothing") {
  StoreWorld world;
  world.commit(world.store.tip(), {{"docket.yaml", "a\n"}, {"templates/generic.yaml", "t\n"}}, "first");
  const auto tip = world.store.tip();
  CHECK(paths(world.store.changed_paths(store::Snapshot{}, tip)) == std::vector<std::string>{"docket.yaml", "templates/generic.yaml"});
  CHECK(paths(world.store.changed_paths(tip, store::Snapshot{})) == std::vector<std::string>{"docket.yaml", "templates/generic.yaml"});
  CHECK(world.store.changed_paths(tip, tip).empty());
}

TEST_CASE("changed_paths sees entries that are not plain files, and a file replaced by a folder") {
  StoreWorld world;
  world.commit(world.store.tip(), {{"docket.yaml", "a\n"}, {"notes", "plain\n"}}, "first");
  const auto before = world.store.tip();
  // Plain git: a symbolic link, and a folder where a file was.
  const auto hash = [&](const std::string& content) {
    return trim(run_ok({"git", "-C", world.repo_dir.string(), "hash-object", "-w", "--stdin"}, content).out);
  };
  world.git({"read-tree", kRef});
  world.git({"update-index", "--add", "--cacheinfo", "120000," + hash("docket.yaml") + ",exceptions/link.yaml"});
  world.git({"update-index", "--force-remove", "notes"});
  world.git({"update-index", "--add", "--cacheinfo", "100644," + hash("inner\n") + ",notes/inner"});
  const std::string tree = trim(world.git({"write-tree"}).out);
  const std::string commit = trim(world.git({"-c", "user.name=Plain", "-c", "user.email=plain@example.com", "commit-tree", tree,
                                             "-p", before.commit().hex, "-m", "plain"})
                                      .out);
  const auto after = world.store.at(store::ObjectId{commit});

  const auto changes = world.store.changed_paths(before, after);
  REQUIRE(paths(changes) == std::vector<std::string>{"exceptions/link.yaml", "notes", "notes/inner"});
  REQUIRE(changes[0].after);
  CHECK(changes[0].after->mode == 0120000);
  CHECK(!changes[0].after->regular_file());
  CHECK(changes[1].before);
  CHECK(!changes[1].after);
  CHECK(!changes[2].before);
  CHECK(changes[2].after);
}
