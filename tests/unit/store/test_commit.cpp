// Signed commits and compare-and-swap on the ref. Stock git is the referee for signatures.

#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

namespace {

std::filesystem::path write_allowed_signers(StoreWorld& world, const TestKey& key) {
  auto path = world.dir / "allowed_signers";
  write_file(path, key.allowed_signers_line());
  return path;
}

}  // namespace

TEST_CASE("every commit verifies with stock git verify-commit") {
  StoreWorld world;
  auto allowed = write_allowed_signers(world, world.alice);
  std::vector<store::ObjectId> ids;
  ids.push_back(world.commit_file("docket.yaml", "prefix: EX\n"));
  ids.push_back(world.commit(world.store.tip(), {{"exceptions/7F/EX-7F1.yaml", "a\n"}}, "open EX-7F1\n\nwith a body\n"));
  ids.push_back(world.commit(world.store.tip(), {{"exceptions/7F/EX-7F1.yaml", store::Removal{}}}, "drop"));

  for (const auto& id : ids) {
    CAPTURE(id.hex);
    auto verified = run({"git", "-C", world.repo_dir.string(), "-c", "gpg.ssh.allowedSignersFile=" + allowed.string(),
                         "verify-commit", id.hex});
    CHECK(verified.status == 0);
  }
  auto statuses = world.git_lines({"-c", "gpg.ssh.allowedSignersFile=" + allowed.string(), "log", "--format=%G?", kRef});
  CHECK(statuses == std::vector<std::string>{"G", "G", "G"});
}

TEST_CASE("a commit signed by a key not in allowed_signers does not verify") {
  StoreWorld world;
  TestKey mallory(world.dir / "mallory", "mallory@example.com");
  auto allowed = write_allowed_signers(world, mallory);  // only mallory's key is allowed
  auto id = world.commit_file("docket.yaml", "p\n");     // signed by alice, committer alice
  auto verified = run({"git", "-C", world.repo_dir.string(), "-c", "gpg.ssh.allowedSignersFile=" + allowed.string(),
                       "verify-commit", id.hex});
  CHECK(verified.status != 0);
}

TEST_CASE("author and committer are the actor, at the given time in UTC") {
  StoreWorld world;
  auto id = world.store.try_commit(world.store.tip(), {{"a", "1"}}, info_for("open", "alice@example.com", 1'800'000'000),
                                   *world.alice.signer);
  REQUIRE(id);
  auto fields = world.git_lines({"log", "-1", "--format=%an%n%ae%n%at%n%ai%n%cn%n%ce%n%ct%n%s", kRef});
  CHECK(fields == std::vector<std::string>{"Alice Example", "alice@example.com", "1800000000", "2027-01-15 08:00:00 +0000",
                                           "Alice Example", "alice@example.com", "1800000000", "open"});
  // The message ends with a newline, as git writes it.
  auto raw = world.git({"cat-file", "commit", id->hex}).out;
  CHECK(raw.substr(raw.size() - 6) == "\nopen\n");
  CHECK(raw.find("\ngpgsig -----BEGIN SSH SIGNATURE-----\n") != std::string::npos);
}

TEST_CASE("the first commit has no parent and each later one has the previous tip") {
  StoreWorld world;
  auto first = world.commit_file("a", "1");
  auto second = world.commit_file("b", "2");
  auto parents = world.git_lines({"rev-list", "--parents", kRef});
  CHECK(parents == std::vector<std::string>{second.hex + " " + first.hex, first.hex});
}

TEST_CASE("try_commit returns nullopt when the ref moved") {
  StoreWorld world;
  world.commit_file("docket.yaml", "p\n");
  store::Snapshot first_view = world.store.tip();
  store::Snapshot second_view = world.store.tip();

  auto winner = world.store.try_commit(first_view, {{"a", "1"}}, info_for("first"), *world.alice.signer);
  REQUIRE(winner);
  auto loser = world.store.try_commit(second_view, {{"b", "2"}}, info_for("second"), *world.alice.signer);
  CHECK_FALSE(loser);
  CHECK(world.store.tip().commit() == *winner);
  CHECK_FALSE(world.store.tip().read("b"));
}

TEST_CASE("try_commit from an empty base refuses to overwrite a ref someone created") {
  StoreWorld world;
  store::Snapshot empty = world.store.tip();
  auto winner = world.store.try_commit(empty, {{"a", "1"}}, info_for("first"), *world.alice.signer);
  REQUIRE(winner);
  CHECK_FALSE(world.store.try_commit(empty, {{"b", "2"}}, info_for("second"), *world.alice.signer));
  CHECK(world.store.tip().commit() == *winner);
}

TEST_CASE("try_commit returns nullopt when the ref was deleted meanwhile") {
  StoreWorld world;
  world.commit_file("a", "1");
  store::Snapshot view = world.store.tip();
  world.git({"update-ref", "-d", kRef});
  CHECK_FALSE(world.store.try_commit(view, {{"b", "2"}}, info_for("second"), *world.alice.signer));
  CHECK_FALSE(world.store.exists());
}

TEST_CASE("try_commit returns nullopt while another writer holds the ref's lock") {
  StoreWorld world;
  world.commit_file("a", "1");
  auto lock = world.repo_dir / ".git" / "refs" / "heads" / "docket.lock";
  write_file(lock, "");
  CHECK_FALSE(world.store.try_commit(world.store.tip(), {{"b", "2"}}, info_for("second"), *world.alice.signer));
  std::filesystem::remove(lock);
  CHECK(world.store.try_commit(world.store.tip(), {{"b", "2"}}, info_for("second"), *world.alice.signer));
}

TEST_CASE("try_commit_merge writes a signed commit with both parents") {
  StoreWorld world;
  auto allowed = write_allowed_signers(world, world.alice);
  world.commit_file("base", "0");
  store::Snapshot base = world.store.tip();
  // "theirs": a child of the same base on another ref, as a fetch would bring it (created only
  // if that ref is absent: an empty expected id).
  store::Store other(world.repo, "refs/remotes/origin/docket");
  auto theirs = other.try_commit_merge(base, {{"theirs", "t"}}, {base.commit()}, store::ObjectId{}, info_for("theirs"),
                                       *world.alice.signer);
  REQUIRE(theirs);
  auto ours = world.commit_file("ours", "o");

  store::Snapshot tip = world.store.tip();
  auto merged = world.store.try_commit_merge(tip, {{"theirs", "t"}}, {ours, *theirs}, ours, info_for("merge"), *world.alice.signer);
  REQUIRE(merged);
  auto parents = world.git_lines({"rev-list", "--parents", "-1", kRef});
  CHECK(parents == std::vector<std::string>{merged->hex + " " + ours.hex + " " + theirs->hex});
  CHECK(world.git_lines({"ls-tree", "--name-only", kRef}) == std::vector<std::string>{"base", "ours", "theirs"});
  CHECK(run({"git", "-C", world.repo_dir.string(), "-c", "gpg.ssh.allowedSignersFile=" + allowed.string(), "verify-commit",
             merged->hex})
            .status == 0);
  // The expected old value is checked like any other commit.
  CHECK_FALSE(world.store.try_commit_merge(tip, {}, {ours, *theirs}, ours, info_for("again"), *world.alice.signer));
}

TEST_CASE("an already-written blob is committed by id, and a missing one is refused") {
  StoreWorld world;
  store::ObjectId blob = world.store.write_blob("evidence bytes");
  world.commit(world.store.tip(), {{"evidence/ab/abcdef", store::ExistingBlob{blob}}}, "attach");
  CHECK(world.store.tip().read("evidence/ab/abcdef") == "evidence bytes");
  CHECK(world.store.tip().blob_id("evidence/ab/abcdef") == blob);

  store::ObjectId missing{std::string(40, 'e')};
  CHECK_THROWS_AS(world.store.try_commit(world.store.tip(), {{"evidence/ee/x", store::ExistingBlob{missing}}}, info_for("bad"),
                                         *world.alice.signer),
                  Error);
  // A commit is not a blob.
  CHECK_THROWS_AS(world.store.try_commit(world.store.tip(), {{"evidence/ee/x", store::ExistingBlob{world.store.tip().commit()}}},
                                         info_for("bad"), *world.alice.signer),
                  Error);
}

TEST_CASE("an author name git cannot write is refused before anything moves") {
  StoreWorld world;
  store::CommitInfo info = info_for("x");
  info.name = "Eve <evil>";
  CHECK_THROWS_AS(world.store.try_commit(world.store.tip(), {{"a", "1"}}, info, *world.alice.signer), Error);
  CHECK_FALSE(world.store.exists());
}

TEST_CASE("a failing signer leaves the ref where it was") {
  struct BrokenSigner : crypto::Signer {
    const crypto::SshPublicKey& public_key() const override { return key; }
    std::string sign(std::string_view, std::string_view) const override { throw Error(ExitCode::key, "no key"); }
    crypto::SshPublicKey key;
  };
  StoreWorld world;
  world.commit_file("a", "1");
  store::ObjectId before = world.store.tip().commit();
  BrokenSigner broken;
  try {
    world.store.try_commit(world.store.tip(), {{"b", "2"}}, info_for("x"), broken);
    FAIL("committed without a signature");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::key);
  }
  CHECK(world.store.tip().commit() == before);
}
