#pragma once
// The one place that frees libgit2 handles. Every handle has exactly one move-only owner:
// `GitPtr<T>` is a std::unique_ptr with a stateless deleter (as in gitstatus's src/git.h), so
// moves, resets and early returns are handled by the standard library, not by hand.
// No `git_*_free` call may appear outside this file.

#include <git2.h>

#include <memory>
#include <string_view>

namespace docket::store::detail {

struct GitDeleter {
  void operator()(git_repository* p) const noexcept { git_repository_free(p); }
  void operator()(git_reference* p) const noexcept { git_reference_free(p); }
  void operator()(git_config* p) const noexcept { git_config_free(p); }
  void operator()(git_odb* p) const noexcept { git_odb_free(p); }
  void operator()(git_odb_object* p) const noexcept { git_odb_object_free(p); }
  void operator()(git_object* p) const noexcept { git_object_free(p); }
  void operator()(git_tree* p) const noexcept { git_tree_free(p); }
  void operator()(git_tree_entry* p) const noexcept { git_tree_entry_free(p); }
  void operator()(git_commit* p) const noexcept { git_commit_free(p); }
  void operator()(git_blob* p) const noexcept { git_blob_free(p); }
  void operator()(git_revwalk* p) const noexcept { git_revwalk_free(p); }
  void operator()(git_signature* p) const noexcept { git_signature_free(p); }
  void operator()(git_odb_writepack* p) const noexcept { p->free(p); }
  void operator()(git_odb_stream* p) const noexcept { git_odb_stream_free(p); }
  // A blob stream that was never committed is abandoned through its own `free` callback;
  // git_blob_create_from_stream_commit frees it itself, so callers release() before committing.
  void operator()(git_writestream* p) const noexcept { p->free(p); }
};

template <class T>
using GitPtr = std::unique_ptr<T, GitDeleter>;

using RepositoryPtr = GitPtr<git_repository>;
using ReferencePtr = GitPtr<git_reference>;
using ConfigPtr = GitPtr<git_config>;
using OdbPtr = GitPtr<git_odb>;
using OdbObjectPtr = GitPtr<git_odb_object>;
using TreePtr = GitPtr<git_tree>;
using TreeEntryPtr = GitPtr<git_tree_entry>;
using CommitPtr = GitPtr<git_commit>;
using BlobPtr = GitPtr<git_blob>;
using RevwalkPtr = GitPtr<git_revwalk>;
using SignaturePtr = GitPtr<git_signature>;
using WritepackPtr = GitPtr<git_odb_writepack>;
using OdbStreamPtr = GitPtr<git_odb_stream>;
using WriteStreamPtr = GitPtr<git_writestream>;

// A git_buf that libgit2 fills and this object disposes. Not copyable or movable: libgit2 writes
// into it through `get()`, so it lives where it was declared.
class GitBuf {
public:
  GitBuf() = default;
  ~GitBuf() { git_buf_dispose(&buf_); }
  GitBuf(const GitBuf&) = delete;
  GitBuf& operator=(const GitBuf&) = delete;

  git_buf* get() noexcept { return &buf_; }
  // NUL-terminated once libgit2 has filled it.
  const char* c_str() const noexcept { return buf_.ptr ? buf_.ptr : ""; }
  std::string_view view() const noexcept { return buf_.ptr ? std::string_view(buf_.ptr, buf_.size) : std::string_view(); }

private:
  git_buf buf_ = GIT_BUF_INIT;
};

// A git_strarray that libgit2 fills (git_remote_list) and this object disposes; lives where it
// was declared, as GitBuf.
class GitStrArray {
public:
  GitStrArray() = default;
  ~GitStrArray() { git_strarray_dispose(&array_); }
  GitStrArray(const GitStrArray&) = delete;
  GitStrArray& operator=(const GitStrArray&) = delete;

  git_strarray* get() noexcept { return &array_; }
  std::size_t size() const noexcept { return array_.count; }
  const char* operator[](std::size_t i) const noexcept { return array_.strings[i]; }

private:
  git_strarray array_{};
};

}  // namespace docket::store::detail
