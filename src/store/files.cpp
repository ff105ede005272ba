#include "docket/store/files.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "docket/core/error.hpp"

namespace docket::store {

namespace {

// Writes all of `content` to `fd`; a failure (a full disk) is Error(output) naming `name`.
void write_all_to(int fd, std::string_view content, const std::string& name, const std::string& hint) {
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      throw Error(ExitCode::output, "cannot write " + name + ": " + std::strerror(error), hint);
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content, bool durable,
                           std::optional<std::uint32_t> wanted_mode) {
  const auto fail = [&](const std::string& what) {
    throw Error(ExitCode::usage, "cannot write " + path.string() + ": " + what,
                "check that the folder exists and that you may write to it");
  };
  // The folder took the file but the data did not fit (a full disk, a quota): exit 9.
  const std::string kept_hint = "check the free space where it goes; the previous file, if any, is unchanged";
  const auto fail_output = [&](int error) {
    throw Error(ExitCode::output, "cannot write " + path.string() + ": " + std::strerror(error), kept_hint);
  };
  if (path.filename().empty()) fail("it names a folder, not a file");
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (folder / ("." + path.filename().string() + ".tmp-XXXXXX")).string();

  // Owns the temporary file until it is renamed: closes it and removes it on every failure.
  struct TempFile {
    std::string name;
    int fd = -1;
    bool keep = false;
    ~TempFile() {
      if (fd >= 0) ::close(fd);
      if (!keep) ::unlink(name.c_str());
    }
  };
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) fail(std::strerror(errno));
  TempFile file{temp, fd};

  // mkstemp makes the file private (0600). A file that is replaced keeps its permissions (a
  // report someone made private stays private); a new one gets what the umask gives any file.
  struct stat old{};
  mode_t mode = 0;
  if (wanted_mode) {
    mode = static_cast<mode_t>(*wanted_mode & 07777);
  } else if (::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode)) {
    mode = old.st_mode & 07777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(file.fd, mode) != 0) fail(std::strerror(errno));
  write_all_to(file.fd, content, path.string(), kept_hint);
  if (durable && ::fsync(file.fd) != 0) fail_output(errno);
  const int closing = file.fd;
  file.fd = -1;
  if (::close(closing) != 0) fail_output(errno);
  if (::rename(file.name.c_str(), path.c_str()) != 0) fail(std::strerror(errno));
  file.keep = true;
}

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

namespace {

// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: another name for a descriptor
// docket already holds. Reopening it would lose its offset and O_APPEND (`>> log`), so it is
// written through the descriptor itself.
std::optional<int> descriptor_alias(const std::string& path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!path.starts_with(prefix)) continue;
    const std::string_view digits = std::string_view(path).substr(prefix.size());
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    return std::stoi(std::string(digits));
  }
  return std::nullopt;
}

}  // namespace

void write_output_file(const std::filesystem::path& path, std::string_view content) {
  const std::string text = path.string();
  if (const auto fd = descriptor_alias(text)) {
    write_all_to(*fd, content, text, "check where the output goes");
    return;
  }
  struct stat status{};
  bool exists = true;
  if (::stat(path.c_str(), &status) != 0) {  // follows symbolic links
    const int error = errno;
    if (error != ENOENT)
      throw Error(ExitCode::usage, "cannot write " + text + ": " + std::strerror(error),
                  error == ELOOP ? "the symbolic links loop: point --out at a file" : "check the path");
    exists = false;
  }
  if (!exists || S_ISREG(status.st_mode)) {
    // A new path or a regular file: replaced atomically. Through a symbolic link, the file it
    // names is replaced and the link stays.
    std::filesystem::path target = path;
    std::error_code error;
    for (int hops = 0; std::filesystem::is_symlink(target, error); ++hops) {
      const std::filesystem::path link = std::filesystem::read_symlink(target, error);
      if (error || hops == 40)
        throw Error(ExitCode::usage, "cannot write " + text + ": its symbolic links loop or cannot be read",
                    "point --out at a file");
      target = link.is_absolute() ? link : target.parent_path() / link;
    }
    write_file_atomically(target, content);
    return;
  }
  if (!S_ISCHR(status.st_mode) && !S_ISFIFO(status.st_mode))
    throw Error(ExitCode::usage, "cannot write " + text + ": it is " + kind_of(status.st_mode),
                "give a file path (it is created or replaced), or - for standard output");
  // A terminal, /dev/null or a FIFO: written to directly, never replaced.
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    throw Error(error == ENXIO ? ExitCode::usage : ExitCode::output,
                "cannot write " + text + ": " + (error == ENXIO ? std::string("the FIFO has no reader") : std::strerror(error)),
                "start the reader first, or write to a file");
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  write_all_to(fd, content, text, "check where the output goes");
}

InputFile InputFile::open_regular(const std::filesystem::path& path, std::string_view what) {
  const std::string name = std::string(what) + " " + path.string();
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENXIO)  // a FIFO or socket nobody serves
      throw Error(ExitCode::usage, name + " is not a regular file", "give a regular file; copy the data into one first");
    throw Error(ExitCode::not_found, "cannot read " + name + ": " + std::strerror(error), "check the path and its permissions");
  }
  struct stat status{};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    const mode_t mode = status.st_mode;
    ::close(fd);
    throw Error(ExitCode::usage, name + " is " + kind_of(mode) + ", not a regular file",
                S_ISDIR(mode) ? "attach files, e.g. an archive of the folder"
                              : "give a regular file; copy the data into one first (e.g. head -c SIZE DEVICE > FILE)");
  }
  // procfs and sysfs files claim to be regular but are the kernel talking: some block forever
  // (/proc/kmsg), most report size 0.
  struct statfs filesystem{};
  if (::fstatfs(fd, &filesystem) == 0 && (filesystem.f_type == PROC_SUPER_MAGIC || filesystem.f_type == SYSFS_MAGIC)) {
    ::close(fd);
    throw Error(ExitCode::usage, name + " is a kernel file (procfs or sysfs), not a regular file",
                "copy what it shows into a regular file first (e.g. cat FILE > copy.txt)");
  }
  // Regular files never block; reads go back to blocking mode.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return InputFile(path, fd, static_cast<std::uint64_t>(status.st_size));
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

std::size_t InputFile::read(std::span<char> buffer) {
  while (true) {
    const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    const int error = errno;
    throw Error(ExitCode::not_found, "reading " + path_.string() + " failed part-way: " + std::strerror(error),
                "check the file and retry");
  }
}

}  // namespace docket::store
