// Building trees from changes and reading them back through snapshots.

#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

TEST_CASE("commit writes fan-out paths and moves the ref") {
  StoreWorld world;
  std::string evidence = std::string(64, 'a');
  auto id = world.commit(world.store.tip(),
                         {{"docket.yaml", "prefix: EX\n"},
                          {"exceptions/7F/EX-7F3A9C2KQD.yaml", "id: EX-7F3A9C2KQD\n"},
                          {"evidence/aa/" + evidence, "log line\n"}},
                         "open EX-7F3A9C2KQD");

  CHECK(trim(world.git({"rev-parse", kRef}).out) == id.hex);
  auto files = world.git_lines({"ls-tree", "-r", "--name-only", kRef});
  CHECK(files == std::vector<std::string>{"docket.yaml", "evidence/aa/" + evidence, "exceptions/7F/EX-7F3A9C2KQD.yaml"});
  CHECK(world.git({"show", kRef + ":exceptions/7F/EX-7F3A9C2KQD.yaml"}).out == "id: EX-7F3A9C2KQD\n");
  // The objects are sound by stock git's standards, and the work tree and index were not used.
  world.git({"fsck", "--strict", "--no-dangling"});
  CHECK_FALSE(std::filesystem::exists(world.repo_dir / ".git" / "index"));
  CHECK_FALSE(std::filesystem::exists(world.repo_dir / "docket.yaml"));
}

TEST_CASE("a second commit keeps untouched files and replaces changed ones") {
  StoreWorld world;
  world.commit(world.store.tip(), {{"exceptions/7F/EX-7F1.yaml", "v1\n"}, {"exceptions/AB/EX-AB1.yaml", "other\n"}}, "one");
  world.commit(world.store.tip(), {{"exceptions/7F/EX-7F1.yaml", "v2\n"}, {"exceptions/7F/EX-7F2.yaml", "new\n"}}, "two");

  store::Snapshot tip = world.store.tip();
  CHECK(tip.read("exceptions/7F/EX-7F1.yaml") == "v2\n");
  CHECK(tip.read("exceptions/7F/EX-7F2.yaml") == "new\n");
  CHECK(tip.read("exceptions/AB/EX-AB1.yaml") == "other\n");
  // The untouched folder is the very same tree object: only changed paths were rewritten.
  auto before = trim(world.git({"rev-parse", kRef + "~1:exceptions/AB"}).out);
  auto after = trim(world.git({"rev-parse", kRef + ":exceptions/AB"}).out);
  CHECK(before == after);
}

TEST_CASE("snapshot reads, lists and walks the tree at the tip") {
  StoreWorld world;
  world.commit(world.store.tip(),
               {{"docket.yaml", "p\n"},
                {"templates/generic.yaml", "t\n"},
                {"exceptions/7F/EX-7F1.yaml", "a\n"},
                {"exceptions/7F/EX-7F2.yaml", "b\n"},
                {"exceptions/AB/EX-AB1.yaml", "c\n"}},
               "seed");
  store::Snapshot tip = world.store.tip();

  CHECK_FALSE(tip.empty());
  CHECK(tip.read("docket.yaml") == "p\n");
  CHECK_FALSE(tip.read("missing.yaml"));
  CHECK_FALSE(tip.read("exceptions"));  // a folder is not a blob
  CHECK_FALSE(tip.read("docket.yaml/inside"));
  CHECK_FALSE(tip.read(""));

  auto id = tip.blob_id("docket.yaml");
  REQUIRE(id);
  CHECK(id->hex == trim(world.git({"rev-parse", kRef + ":docket.yaml"}).out));
  CHECK_FALSE(tip.blob_id("exceptions/7F"));

  CHECK(tip.list("") == std::vector<std::string>{"docket.yaml", "exceptions", "templates"});
  CHECK(tip.list("exceptions") == std::vector<std::string>{"7F", "AB"});
  CHECK(tip.list("exceptions/7F/") == std::vector<std::string>{"EX-7F1.yaml", "EX-7F2.yaml"});
  CHECK(tip.list("nowhere").empty());
  CHECK(tip.list("docket.yaml").empty());

  auto walked = tip.walk("exceptions");
  REQUIRE(walked.size() == 3);
  CHECK(walked[0].path == "exceptions/7F/EX-7F1.yaml");
  CHECK(walked[1].path == "exceptions/7F/EX-7F2.yaml");
  CHECK(walked[2].path == "exceptions/AB/EX-AB1.yaml");
  CHECK(walked[2].blob.hex == trim(world.git({"rev-parse", kRef + ":exceptions/AB/EX-AB1.yaml"}).out));
  CHECK(tip.walk("").size() == 5);
  CHECK(tip.walk("evidence").empty());
}

TEST_CASE("list sorts names byte-wise, not in git's folder order") {
  StoreWorld world;
  // git sorts the folder "a" as "a/", after "a.yaml"; callers get plain byte order.
  world.commit(world.store.tip(), {{"a/x", "1"}, {"a.yaml", "2"}, {"a-b", "3"}}, "seed");
  CHECK(world.store.tip().list("") == std::vector<std::string>{"a", "a-b", "a.yaml"});
  auto walked = world.store.tip().walk("");
  REQUIRE(walked.size() == 3);
  CHECK(walked[0].path == "a-b");
  CHECK(walked[1].path == "a.yaml");
  CHECK(walked[2].path == "a/x");
}

TEST_CASE("an absent ref gives an empty snapshot with no files") {
  StoreWorld world;
  CHECK_FALSE(world.store.exists());
  store::Snapshot tip = world.store.tip();
  CHECK(tip.empty());
  CHECK(tip.commit().empty());
  CHECK_FALSE(tip.read("docket.yaml"));
  CHECK(tip.list("").empty());
  CHECK(tip.walk("").empty());

  store::Snapshot default_made;
  CHECK(default_made.empty());
  CHECK(default_made.list("").empty());
}

TEST_CASE("removing the last file of a folder drops the folder") {
  StoreWorld world;
  world.commit(world.store.tip(), {{"exceptions/7F/EX-7F1.yaml", "a\n"}, {"docket.yaml", "p\n"}}, "seed");
  world.commit(world.store.tip(), {{"exceptions/7F/EX-7F1.yaml", store::Removal{}}}, "remove");
  store::Snapshot tip = world.store.tip();
  CHECK_FALSE(tip.read("exceptions/7F/EX-7F1.yaml"));
  CHECK(tip.list("") == std::vector<std::string>{"docket.yaml"});
  world.git({"fsck", "--strict", "--no-dangling"});
}

TEST_CASE("removing an absent path is a no-op") {
  StoreWorld world;
  world.commit(world.store.tip(), {{"missing.yaml", store::Removal{}}}, "remove from an empty store");
  world.commit(world.store.tip(), {{"docket.yaml", "p\n"}, {"exceptions/ZZ/gone.yaml", store::Removal{}}}, "seed");
  CHECK(world.store.tip().walk("").size() == 1);
}

TEST_CASE("malformed or repeated paths are refused before the ref moves") {
  StoreWorld world;
  world.commit_file("docket.yaml", "p\n");
  store::ObjectId before = world.store.tip().commit();
  for (const char* bad : {"", "/abs", "trailing/", "a//b", "a/../b", "./a", ".git/config", "a/.git"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(world.store.try_commit(world.store.tip(), {{bad, "x"}}, info_for("bad"), *world.alice.signer), Error);
  }
  CHECK_THROWS_AS(world.store.try_commit(world.store.tip(), {{"a", "1"}, {"a", "2"}}, info_for("twice"), *world.alice.signer),
                  Error);
  CHECK(world.store.tip().commit() == before);
}

TEST_CASE("an older snapshot keeps showing its commit after the ref moves") {
  StoreWorld world;
  world.commit_file("docket.yaml", "v1\n");
  store::Snapshot old = world.store.tip();
  store::Snapshot copy = old;
  world.commit_file("docket.yaml", "v2\n");

  CHECK(old.read("docket.yaml") == "v1\n");
  CHECK(copy.read("docket.yaml") == "v1\n");
  CHECK(copy.commit() == old.commit());
  CHECK(world.store.tip().read("docket.yaml") == "v2\n");
  CHECK(world.store.at(old.commit()).read("docket.yaml") == "v1\n");

  store::Snapshot moved = std::move(copy);
  CHECK(moved.read("docket.yaml") == "v1\n");
  copy = moved;  // assigning to a moved-from snapshot makes it usable again
  CHECK(copy.read("docket.yaml") == "v1\n");
}

TEST_CASE("at() refuses an unknown or malformed commit id") {
  StoreWorld world;
  world.commit_file("docket.yaml", "v1\n");
  try {
    world.store.at(store::ObjectId{std::string(40, '0')});
    FAIL("found a commit that does not exist");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::not_found);
  }
  CHECK_THROWS_AS(world.store.at(store::ObjectId{"abc"}), Error);
  auto blob = world.store.tip().blob_id("docket.yaml");
  REQUIRE(blob);
  CHECK_THROWS_AS(world.store.at(*blob), Error);
}

TEST_CASE("read_stream hands a blob over in chunks, loose or packed, and blob_size reads only the header") {
  StoreWorld world;
  // 1 MiB and a bit, every byte value, so it arrives in several chunks.
  std::string content;
  for (int i = 0; i < (1 << 20) + 4097; ++i) content.push_back(static_cast<char>((i * 131 + i / 13) & 0xff));
  world.commit(world.store.tip(), {{"evidence/ab/big", content}, {"small", "x\n"}}, "evidence");
  const auto read_all = [&](std::string_view path, std::size_t& chunks) {
    std::string out;
    chunks = 0;
    const auto size = world.store.tip().read_stream(path, [&](std::string_view chunk) {
      out.append(chunk);
      ++chunks;
    });
    REQUIRE(size);
    CHECK(*size == out.size());
    return out;
  };
  std::size_t chunks = 0;
  CHECK(read_all("evidence/ab/big", chunks) == content);  // loose: libgit2's read stream
  CHECK(chunks > 1);
  CHECK(world.store.tip().blob_size("evidence/ab/big") == content.size());
  CHECK_FALSE(world.store.tip().read_stream("absent", [](std::string_view) {}));
  CHECK_FALSE(world.store.tip().blob_size("evidence"));  // a folder is not a blob

  world.git({"repack", "-a", "-d", "-q"});
  world.git({"prune-packed"});
  CHECK(read_all("evidence/ab/big", chunks) == content);  // packed: read whole (under kWholeBlobRead)
  CHECK(world.store.tip().blob_size("evidence/ab/big") == content.size());
  CHECK(read_all("small", chunks) == "x\n");

  // An exception from the sink propagates.
  CHECK_THROWS_AS(world.store.tip().read_stream("small", [](std::string_view) { throw Error(ExitCode::usage, "stop"); }), Error);
}
