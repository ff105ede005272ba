#pragma once
// Files docket writes beside the object database (caches) and for users (reports).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

namespace docket::store {

// Writes `content` to `path` atomically: a temporary file in the same folder (`.NAME.tmp-XXXXXX`),
// flushed to disk when `durable`, then renamed over `path` (rename(2)), so readers see the old
// file or the whole new one. Caches that check their own content pass durable=false (no fsync).
// A regular file that is replaced keeps its permission bits; a new file gets 0666 less the umask;
// `mode`, when given, sets the permission bits either way (0755 for a git hook).
// Throws Error(usage) naming the path when the folder cannot be written, Error(output) when the
// data cannot be written (a full disk).
void write_file_atomically(const std::filesystem::path& path, std::string_view content, bool durable = true,
                           std::optional<std::uint32_t> mode = std::nullopt);

// `--out PATH` for reports: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N`
// are written through that descriptor (its offset and O_APPEND kept); a new path or a regular
// file is replaced atomically (write_file_atomically; through a symbolic link, the file it names
// is replaced and the link kept); a terminal, /dev/null or a FIFO is written to directly, never
// replaced; a folder, socket, block device or looping symbolic link is refused with
// Error(usage). A failed write (a full disk) is Error(output), exit 9.
void write_output_file(const std::filesystem::path& path, std::string_view content);

// A file a user names as input (evidence), opened for streaming. Only regular files: the file
// is opened without blocking (a FIFO with no writer, a terminal) and the kind of the opened file
// itself is checked, so no rename between check and read can swap in a device.
class InputFile {
public:
  // `what` names the file's role in messages ("evidence file"). Throws Error(usage) naming the
  // path and its kind for a directory, FIFO, socket, device or procfs/sysfs file, and Error(not_found) when it is
  // missing or cannot be read.
  static InputFile open_regular(const std::filesystem::path& path, std::string_view what);
  ~InputFile();
  InputFile(InputFile&&) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // The size when opened, in bytes.
  std::uint64_t size() const noexcept { return size_; }
  // Reads up to `buffer.size()` bytes; returns 0 at the end. Throws Error(not_found) naming the
  // path when reading fails.
  std::size_t read(std::span<char> buffer);

private:
  InputFile(std::filesystem::path path, int fd, std::uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace docket::store
