// Writing blobs: streamed (evidence) and from memory (records).

#include "store_fixture.hpp"

using namespace docket;
using namespace docket::test;

TEST_CASE("blob writer streams a file and returns git's blob id") {
  StoreWorld world;
  // A few MiB in odd-sized chunks, with every byte value, so chunk boundaries and binary data count.
  std::string content;
  for (int i = 0; i < 3 * 1024 * 1024 + 17; ++i) content.push_back(static_cast<char>((i * 31 + i / 7) & 0xff));
  auto file = world.dir / "evidence.bin";
  write_file(file, content);

  store::BlobWriter writer = world.store.blob_writer();
  constexpr size_t chunk = 65'537;
  for (size_t offset = 0; offset < content.size(); offset += chunk)
    writer.write(std::string_view(content).substr(offset, chunk));
  store::ObjectId id = writer.finish();

  CHECK(id.hex == trim(run_ok({"git", "hash-object", file.string()}).out));
  CHECK(trim(world.git({"cat-file", "-t", id.hex}).out) == "blob");
  CHECK(trim(world.git({"cat-file", "-s", id.hex}).out) == std::to_string(content.size()));
}

TEST_CASE("an empty stream is git's empty blob") {
  StoreWorld world;
  store::BlobWriter writer = world.store.blob_writer();
  CHECK(writer.finish().hex == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

TEST_CASE("write_blob returns git's blob id") {
  StoreWorld world;
  auto file = world.dir / "record.yaml";
  write_file(file, "id: EX-1\r\nline\n");  // stored byte for byte: no line-ending filters
  CHECK(world.store.write_blob("id: EX-1\r\nline\n").hex == trim(run_ok({"git", "hash-object", file.string()}).out));
}

TEST_CASE("a blob writer refuses use after finish and can be abandoned or moved") {
  StoreWorld world;
  store::BlobWriter writer = world.store.blob_writer();
  writer.write("abc");
  store::BlobWriter moved = std::move(writer);
  moved.write("def");
  CHECK_THROWS_AS(writer.write("x"), Error);  // NOLINT(bugprone-use-after-move): checking the contract
  store::ObjectId id = moved.finish();
  CHECK(world.git({"cat-file", "blob", id.hex}).out == "abcdef");
  try {
    moved.finish();
    FAIL("finish ran twice");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::internal);
  }
  CHECK_THROWS_AS(moved.write("more"), Error);

  {
    store::BlobWriter abandoned = world.store.blob_writer();
    abandoned.write("never finished");
  }  // freed without reaching the object database (ASan checks the stream is released)
  auto never = run({"git", "-C", world.repo_dir.string(), "cat-file", "-e",
                    trim(run_ok({"git", "hash-object", "--stdin"}, "never finished").out)});
  CHECK(never.status != 0);
}
