// Running stock git as a child process (posix_spawnp, no shell) and the fetch/push built on it.

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "docket/core/error.hpp"
#include "docket/store/remote.hpp"
#include "store_internal.hpp"

extern char** environ;

namespace docket::store {
namespace {

constexpr std::size_t kMaxCapture = std::size_t{1} << 20;

// One owned file descriptor, closed on destruction; move-only.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const noexcept { return fd_; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw Error(ExitCode::store, std::string("cannot create a pipe to run git: ") + std::strerror(errno));
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// posix_spawn_file_actions_t with its destroy call owned.
class FileActions {
public:
  FileActions() {
    if (posix_spawn_file_actions_init(&actions_) != 0) throw Error(ExitCode::store, "cannot prepare to run git");
  }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

private:
  posix_spawn_file_actions_t actions_{};
};

// The child's environment: ours, minus variables that would point git at another repository,
// plus a fixed locale (so push's porcelain reasons parse) and no prompting without a terminal.
std::vector<std::string> child_environment(bool interactive) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    if (name == "GIT_DIR" || name == "GIT_WORK_TREE" || name == "GIT_INDEX_FILE" || name == "GIT_NAMESPACE" ||
        name == "LC_ALL" || name == "LANGUAGE" || (name == "GIT_TERMINAL_PROMPT" && !interactive))
      continue;
    env.emplace_back(entry);
  }
  env.emplace_back("LC_ALL=C");
  if (!interactive) env.emplace_back("GIT_TERMINAL_PROMPT=0");
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads both pipes until both reach end of file, so neither can fill up and block the child.
// With `on_out`, standard output goes there chunk by chunk instead of into run.out.
void drain(Fd& out_fd, Fd& err_fd, GitRun& run, const std::function<void(std::string_view)>* on_out) {
  char buf[8192];
  while (out_fd.get() >= 0 || err_fd.get() >= 0) {
    pollfd fds[2] = {{out_fd.get(), POLLIN, 0}, {err_fd.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(ExitCode::store, std::string("cannot read git's output: ") + std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Fd& fd = i == 0 ? out_fd : err_fd;
      std::string& sink = i == 0 ? run.out : run.err;
      const ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fd.reset();
        continue;
      }
      if (i == 0 && on_out) {
        (*on_out)(std::string_view(buf, static_cast<std::size_t>(n)));
        continue;
      }
      if (sink.size() < kMaxCapture) sink.append(buf, std::min(static_cast<std::size_t>(n), kMaxCapture - sink.size()));
    }
  }
}

std::string git_message(const GitRun& run) {
  std::string text = run.err.empty() ? run.out : run.err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text.empty() ? "git exited with status " + std::to_string(run.status) : text;
}

}  // namespace

GitRun run_git(const Repository& repo, const std::vector<std::string>& args) {
  return detail::run_git_in(repo.git_dir(), args, nullptr);
}

namespace detail {

GitRun run_git_in(const std::filesystem::path& git_dir, const std::vector<std::string>& args,
                  const std::function<void(std::string_view)>* on_out) {
  std::vector<std::string> argv{"git", "--git-dir=" + git_dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const bool interactive = ::isatty(0) == 1;
  std::vector<std::string> env = child_environment(interactive);

  Pipe out = make_pipe();
  Pipe err = make_pipe();
  FileActions actions;
  if (!interactive) posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), out.write.get(), 1);
  posix_spawn_file_actions_adddup2(actions.get(), err.write.get(), 2);

  std::vector<char*> c_argv = c_strings(argv);
  std::vector<char*> c_env = c_strings(env);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, "git", actions.get(), nullptr, c_argv.data(), c_env.data());
  if (rc != 0)
    throw Error(ExitCode::store, std::string("cannot run git: ") + std::strerror(rc),
                "install git and make sure it is on PATH; docket sync uses it to talk to remotes");
  // Our copies of the write ends must close, or the reads below never see end of file.
  out.write.reset();
  err.write.reset();

  GitRun run;
  try {
    drain(out.read, err.read, run, on_out);
  } catch (...) {
    // `on_out` refused the output (or a read failed): stop git and reap it before unwinding.
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(ExitCode::store, std::string("cannot wait for git: ") + std::strerror(errno));
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace detail

bool pack_if_needed(const Repository& repo) {
  try {
    long threshold = 6700;  // git's default gc.auto
    if (const auto configured = repo.config("gc.auto")) {
      char* end = nullptr;
      threshold = std::strtol(configured->c_str(), &end, 10);
      if (end == configured->c_str()) threshold = 6700;
    }
    if (threshold <= 0) return false;
    // git's estimate: loose objects are spread evenly over 256 folders, so one folder's count
    // times 256 is the whole.
    const long per_folder = (threshold + 255) / 256;
    long loose = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(repo.common_dir() / "objects" / "17", ec)) {
      if (entry.path().filename().string().size() == 38 && ++loose > per_folder) break;
    }
    if (loose <= per_folder) return false;
    const GitRun gc = run_git(repo, {"-c", "gc.reflogExpire=never", "-c", "gc.reflogExpireUnreachable=never", "gc",
                                     "--auto", "--quiet"});
    return gc.status == 0;
  } catch (const std::exception&) {
    return false;
  }
}

FetchOutcome fetch_ref(const Repository& repo, const std::string& remote, const std::string& remote_ref,
                       const std::string& tracking_ref) {
  const GitRun fetch = run_git(repo, {"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", remote,
                                      "+" + remote_ref + ":" + tracking_ref});
  if (fetch.status == 0) return FetchOutcome::fetched;
  // A missing remote ref fails the fetch like a network error would; ask the remote which it was
  // (exit 2 from ls-remote --exit-code means "no such ref") rather than parsing messages.
  const GitRun list = run_git(repo, {"ls-remote", "--exit-code", "--", remote, remote_ref});
  if (list.status == 2) return FetchOutcome::remote_ref_absent;
  throw Error(ExitCode::store, "git fetch from '" + remote + "' failed: " + git_message(fetch),
              "check the remote with: git remote -v; and that you can reach it with: git ls-remote " + remote);
}

PushOutcome push_commit(const Repository& repo, const std::string& remote, const ObjectId& commit,
                        const std::string& remote_ref) {
  const GitRun push = run_git(repo, {"push", "--porcelain", "--", remote, commit.hex + ":" + remote_ref});
  if (push.status == 0) return PushOutcome::pushed;
  // Porcelain lines: "<flag>\t<from>:<to>\t<summary>"; flag '!' is a rejected ref. A remote that
  // moved (fetch first, non-fast-forward) or whose ref was locked by a concurrent push is a race
  // to retry; anything else (hooks, permissions, a checked-out branch) is reported.
  std::size_t start = 0;
  while (start < push.out.size()) {
    const std::size_t end = std::min(push.out.find('\n', start), push.out.size());
    const std::string_view line(push.out.data() + start, end - start);
    start = end + 1;
    if (!line.starts_with("!\t")) continue;
    for (const char* reason : {"fetch first", "non-fast-forward", "stale info", "failed to update ref", "cannot lock",
                               "unable to lock", "incorrect old value"})
      if (line.find(reason) != std::string_view::npos) return PushOutcome::rejected;
  }
  throw Error(ExitCode::store, "git push to '" + remote + "' failed: " + git_message(push),
              "check that you may push to " + remote_ref + " on '" + remote + "' (git push " + remote + " works?)");
}

}  // namespace docket::store
