#pragma once
// Files docket writes beside the object database (caches) and for users (reports).

#include <filesystem>
#include <string_view>

namespace docket::store {

// Writes `content` to `path` atomically: a temporary file in the same folder (`.NAME.tmp-XXXXXX`),
// flushed to disk when `durable`, then renamed over `path` (rename(2)), so readers see the old
// file or the whole new one. Caches that check their own content pass durable=false (no fsync).
// Throws Error(usage) naming the path when the folder cannot be written.
void write_file_atomically(const std::filesystem::path& path, std::string_view content, bool durable = true);

}  // namespace docket::store
