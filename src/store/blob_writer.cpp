// Streaming content into the object database in constant memory: libgit2 spools the stream to a
// temporary file and hashes it from there, so evidence of any size never sits in memory.

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

BlobWriter::BlobWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
// An unfinished stream is abandoned by its deleter; nothing reaches the object database.
BlobWriter::~BlobWriter() = default;
BlobWriter::BlobWriter(BlobWriter&&) noexcept = default;
BlobWriter& BlobWriter::operator=(BlobWriter&&) noexcept = default;

namespace {

git_writestream* open_stream(const std::unique_ptr<BlobWriter::Impl>& impl) {
  if (!impl || !impl->stream)
    throw Error(ExitCode::internal, "a blob writer was used after finish() or after being moved from");
  return impl->stream.get();
}

}  // namespace

void BlobWriter::write(std::string_view chunk) {
  git_writestream* stream = open_stream(impl_);
  int rc = stream->write(stream, chunk.data(), chunk.size());
  if (rc < 0) detail::throw_git_error(rc, "cannot write a blob into '" + impl_->where + "'");
}

ObjectId BlobWriter::finish() {
  open_stream(impl_);
  git_oid oid{};
  // git_blob_create_from_stream_commit frees the stream whether it succeeds or not.
  int rc = git_blob_create_from_stream_commit(&oid, impl_->stream.release());
  if (rc < 0) detail::throw_git_error(rc, "cannot store a blob in '" + impl_->where + "'");
  return detail::to_object_id(oid);
}

}  // namespace docket::store
