#include "docket/store/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "docket/core/error.hpp"

namespace docket::store {

void write_file_atomically(const std::filesystem::path& path, std::string_view content, bool durable) {
  const auto fail = [&](const std::string& what) {
    throw Error(ExitCode::usage, "cannot write " + path.string() + ": " + what,
                "check that the folder exists and that you may write to it");
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

  // mkstemp makes the file private (0600); a report is meant to be shared like any file the user creates.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(file.fd, 0666 & ~mask) != 0) fail(std::strerror(errno));
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(file.fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(file.fd) != 0) fail(std::strerror(errno));
  const int closing = file.fd;
  file.fd = -1;
  if (::close(closing) != 0) fail(std::strerror(errno));
  if (::rename(file.name.c_str(), path.c_str()) != 0) fail(std::strerror(errno));
  file.keep = true;
}

}  // namespace docket::store
