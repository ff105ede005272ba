#include "ssh_keygen_signer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "docket/core/error.hpp"
#include "docket/crypto/sshsig.hpp"

namespace docket::crypto::detail {

namespace {

// ssh-keygen's messages are short; keep the start of anything longer out of error text.
constexpr std::size_t max_diagnostics = 4096;
// An armored signature is a few kilobytes even for RSA 16384; more is not a signature.
constexpr std::size_t max_output = 64 * 1024;
// Where the helper finds its inherited public key in agent-only mode.
constexpr int key_fd_in_child = 3;

// `error` is errno, read by the caller right after the failing call, before anything can change it.
[[noreturn]] void fail_system(int error, const std::string& what) {
  throw Error(ExitCode::key, what + ": " + std::strerror(error));
}

class FileDescriptor {
public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() { reset(); }
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

private:
  int fd_ = -1;
};

// Moves `fd` above the standard descriptors (so the child's dup2 calls never clobber each
// other) and marks it close-on-exec.
// A negative `fd` (the failed call's result) reports errno as the failure of `what`.
FileDescriptor high_fd(int fd, const std::string& what) {
  if (fd < 0) {
    const int error = errno;
    fail_system(error, what);
  }
  FileDescriptor original(fd);
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (moved < 0) {
    const int error = errno;
    fail_system(error, what);
  }
  return FileDescriptor(moved);
}

void write_all(int fd, std::string_view content, const std::string& what) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      const int error = errno;
      fail_system(error, what);
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

// A file that exists only in memory (memfd_create): nothing to clean up, whatever happens.
FileDescriptor memory_file(std::string_view name, std::string_view content) {
  FileDescriptor fd = high_fd(::memfd_create(std::string(name).c_str(), MFD_CLOEXEC), "cannot create an in-memory file");
  write_all(fd.get(), content, "cannot fill an in-memory file");
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
    const int error = errno;
    fail_system(error, "cannot rewind an in-memory file");
  }
  return fd;
}

constexpr std::string_view temp_prefix = "docket-sign-";

// Removes what a docket killed with SIGKILL while ssh-keygen read its message file left behind:
// folders named docket-sign-PID-… whose PID no longer runs.
void remove_orphaned_temp_dirs(const std::filesystem::path& temp) {
  std::error_code error;
  for (std::filesystem::directory_iterator it(temp, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(temp_prefix)) continue;
    const std::string pid_text = name.substr(temp_prefix.size(), name.find('-', temp_prefix.size()) - temp_prefix.size());
    char* end_of_number = nullptr;
    const long pid = std::strtol(pid_text.c_str(), &end_of_number, 10);
    if (pid_text.empty() || *end_of_number != '\0' || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    struct stat status{};
    if (::lstat(it->path().c_str(), &status) != 0 || !S_ISDIR(status.st_mode) || status.st_uid != ::getuid()) continue;
    std::error_code ignored;
    std::filesystem::remove_all(it->path(), ignored);
  }
}

// A folder only the current user can enter (mkdtemp makes it 0700), removed with its content.
class PrivateTempDir {
public:
  PrivateTempDir() {
    const std::filesystem::path temp = std::filesystem::temp_directory_path();
    remove_orphaned_temp_dirs(temp);
    std::string pattern = (temp / (std::string(temp_prefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) {
      const int error = errno;
      fail_system(error, "cannot create a temporary folder in " + temp.string());
    }
    path_ = pattern;
  }
  ~PrivateTempDir() {
    std::error_code ignored;  // a destructor must not throw
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

void write_private_file(const std::filesystem::path& path, std::string_view content) {
  const FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (file.get() < 0) {
    const int error = errno;
    fail_system(error, "cannot create " + path.string());
  }
  write_all(file.get(), content, "cannot write " + path.string());
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return std::nullopt;
  std::string content;
  char buffer[4096];
  while (content.size() <= max_output) {
    const ssize_t got = ::read(file.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return std::nullopt;
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  return content;
}

// The signal that interrupted a helper, caught while it ran (0: none).
volatile sig_atomic_t caught_signal = 0;
extern "C" void catch_signal(int signal) { caught_signal = signal; }

// While alive, SIGINT, SIGTERM and SIGHUP are caught instead of ending docket at once: the
// helper is stopped and docket unwinds (removing its temporary files), then reports.
class InterruptCatcher {
public:
  InterruptCatcher() {
    caught_signal = 0;
    struct sigaction action{};
    action.sa_handler = catch_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: poll returns EINTR
    for (std::size_t i = 0; i < signals.size(); ++i) ::sigaction(signals[i], &action, &saved_[i]);
  }
  ~InterruptCatcher() {
    for (std::size_t i = 0; i < signals.size(); ++i) ::sigaction(signals[i], &saved_[i], nullptr);
  }
  InterruptCatcher(const InterruptCatcher&) = delete;
  InterruptCatcher& operator=(const InterruptCatcher&) = delete;

private:
  static constexpr std::array<int, 3> signals{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> saved_{};
};

std::optional<std::string> find_on_path(const std::string& program, const std::string& path) {
  if (program.find('/') != std::string::npos) return program;
  std::string_view dirs = path.empty() ? std::string_view("/usr/local/bin:/usr/bin:/bin") : std::string_view(path);
  while (true) {
    const std::size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

struct HelperRun {
  std::vector<std::string> argv;
  std::string purpose;    // for messages: "ssh-keygen, signing with KEY", "gpg.ssh.defaultKeyCommand (…)"
  int stdin_fd = -1;      // -1: /dev/null
  int key_fd = -1;        // given to the child as descriptor 3 when >= 0
  bool capture_stderr = true;
  // Without a terminal the helper leads its own process group, so a time limit or a signal
  // stops everything it started (an askpass program, a background child), not just itself.
  // At a terminal it stays in docket's (foreground) group, where it may read /dev/tty.
  bool own_process_group = true;
  std::chrono::seconds time_limit{60};
  std::string timeout_hint;
  std::vector<std::string> extra_environment;  // NAME=value entries added when NAME is not in the environment
  std::string install_hint;
  std::string search_path;  // PATH
};

struct HelperResult {
  bool exited_zero = false;
  std::string outcome;  // "exit status 255", "killed by signal 9"
  std::string output;   // stdout
  std::string diagnostics;
};

// Runs a helper without a shell and waits for it within its time limit (see the file comment).
HelperResult run_helper(const HelperRun& run) {
  const std::string& program = run.argv.front();
  const std::optional<std::string> executable = find_on_path(program, run.search_path);
  if (!executable)
    throw Error(ExitCode::key, "cannot run " + program + ": it is not on PATH", run.install_hint);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    const int error = errno;
    fail_system(error, "cannot create a pipe for " + program);
  }
  FileDescriptor out_read = high_fd(out_pipe[0], "cannot create a pipe"), out_write = high_fd(out_pipe[1], "cannot create a pipe");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    const int error = errno;
    fail_system(error, "cannot create a pipe for " + program);
  }
  FileDescriptor err_read = high_fd(err_pipe[0], "cannot create a pipe"), err_write = high_fd(err_pipe[1], "cannot create a pipe");
  FileDescriptor null_input;
  int stdin_fd = run.stdin_fd;
  if (stdin_fd < 0) {
    null_input = high_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC), "cannot open /dev/null");
    stdin_fd = null_input.get();
  }

  // Everything the child needs is prepared here: after fork it may only make async-signal-safe calls.
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) environment.emplace_back(*entry);
  for (const std::string& extra : run.extra_environment) {
    const std::string name = extra.substr(0, extra.find('=') + 1);
    if (std::none_of(environment.begin(), environment.end(), [&](const std::string& e) { return e.starts_with(name); }))
      environment.push_back(extra);
  }
  std::vector<char*> envp, argv;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> arguments = run.argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int capture_err = run.capture_stderr ? err_write.get() : -1;
  const int key_fd = run.key_fd;
  const int out_fd = out_write.get();

  const bool own_group = run.own_process_group;
  const InterruptCatcher interrupts;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    fail_system(error, "cannot start " + program);
  }
  if (pid == 0) {
    // The helper dies with docket, even when docket is killed with SIGKILL.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
    if (own_group && ::setpgid(0, 0) != 0) ::_exit(127);
    if (stdin_fd != STDIN_FILENO && ::dup2(stdin_fd, STDIN_FILENO) < 0) ::_exit(127);
    if (::dup2(out_fd, STDOUT_FILENO) < 0) ::_exit(127);
    if (capture_err >= 0 && ::dup2(capture_err, STDERR_FILENO) < 0) ::_exit(127);
    if (key_fd >= 0 && ::dup2(key_fd, key_fd_in_child) < 0) ::_exit(127);
    ::execve(executable->c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  if (own_group) ::setpgid(pid, pid);  // also from here, so the group exists before any kill
  out_write.reset();  // so reading sees end-of-file when the helper exits
  err_write.reset();
  const auto stop_all = [&](int signal) { ::kill(own_group ? -pid : pid, signal); };

  HelperResult result;
  const auto deadline = std::chrono::steady_clock::now() + run.time_limit;
  bool timed_out = false, exited = false;
  int status = 0;
  std::vector<pollfd> fds{{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  const auto drain = [&](int timeout_ms) {
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready <= 0) return false;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        fds[i].fd = -1;
        continue;
      }
      std::string& sink = i == 0 ? result.output : result.diagnostics;
      if (sink.size() < (i == 0 ? max_output : max_diagnostics)) sink.append(buffer, static_cast<std::size_t>(got));
    }
    return true;
  };
  while (!exited) {
    if (caught_signal != 0) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (fds[0].fd >= 0 || fds[1].fd >= 0)
      drain(static_cast<int>(std::min<long long>(left.count(), 100)));
    else
      ::poll(nullptr, 0, static_cast<int>(std::min<long long>(left.count(), 50)));
    // The helper is done when it exits, even if something it started still holds the pipes.
    const pid_t waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == pid) exited = true;
  }
  if (exited) {
    while ((fds[0].fd >= 0 || fds[1].fd >= 0) && drain(0)) {
    }
    if (own_group) stop_all(SIGKILL);  // whatever it left running in its group
  }
  const int interrupted = caught_signal;
  if (!exited) {
    stop_all(SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (!exited && interrupted != 0)
    throw Error(ExitCode::key, run.purpose + " was stopped: docket received signal " + std::to_string(interrupted) + " (" +
                                   strsignal(interrupted) + ") while it ran");
  if (timed_out)
    throw Error(ExitCode::key,
                run.purpose + " did not finish within " + std::to_string(run.time_limit.count()) + " s and was stopped",
                run.timeout_hint);
  result.exited_zero = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  result.outcome = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                     : "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && result.diagnostics.empty())
    result.diagnostics = "it could not be started";
  return result;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

constexpr std::string_view ssh_keygen_hint = "install OpenSSH's ssh-keygen (8.2 or later) and make sure it is on PATH";

bool has_terminal() { return ::isatty(STDIN_FILENO) == 1; }

bool askpass_requested(const SigningEnvironment& environment) {
  return environment.askpass_require && (*environment.askpass_require == "force" || *environment.askpass_require == "prefer");
}

class SshKeygenSigner final : public Signer {
public:
  SshKeygenSigner(std::filesystem::path key_file, KeyFileHolds holds, SshPublicKey key, bool agent_only,
                  SigningEnvironment environment)
      : key_file_(std::move(key_file)), holds_(holds), public_key_(std::move(key)), agent_only_(agent_only),
        environment_(std::move(environment)) {}

  const SshPublicKey& public_key() const override { return public_key_; }

  std::string sign(std::string_view message, std::string_view ns) const override {
    const bool terminal = has_terminal();
    // Without a terminal nobody can type a passphrase: only ssh-agent may sign such a key
    // (or an askpass program the user asked for), and a security key signs on a touch.
    const bool agent_only =
        agent_only_ || (!terminal && holds_ != KeyFileHolds::security_key && !askpass_requested(environment_));
    if (agent_only && !environment_.agent)
      throw Error(ExitCode::key,
                  describe_key() + (agent_only_ ? " can only be signed by ssh-agent" : " needs ssh-agent or a terminal" +
                  std::string(holds_ == KeyFileHolds::encrypted_private_key ? " to type its passphrase" : "")) +
                      ", and no agent is running (SSH_AUTH_SOCK is not set)" +
                      (agent_only_ || terminal ? "" : "; standard input is not a terminal"),
                  agent_hint());
    std::string armored;
    if (agent_only)
      armored = sign_with_agent(message, ns);
    else if (terminal || holds_ != KeyFileHolds::security_key)
      armored = sign_from_stdin(message, ns, terminal);
    else
      armored = sign_with_message_file(message, ns);
    const std::optional<SshSignature> signature = sshsig_parse(armored);
    if (!signature) throw Error(ExitCode::key, "ssh-keygen reported success but wrote no readable signature for " + describe_key());
    // Never hand out a signature that docket's own verification would reject.
    if (signature->key != public_key_)
      throw Error(ExitCode::key, "ssh-keygen signed with " + signature->key.fingerprint() + " instead of " + describe_key(),
                  "check which key ssh-agent offers with: ssh-add -l");
    const SshsigCheck check = sshsig_check(*signature, message, ns);
    if (check.verdict != SshsigVerdict::valid)
      throw Error(ExitCode::key, "the signature ssh-keygen made with " + describe_key() + " does not verify: " + check.problem);
    return sshsig_armor(*signature);
  }

private:
  HelperRun base_run(std::string_view ns, bool terminal) const {
    HelperRun run;
    run.argv = {"ssh-keygen", "-Y", "sign", "-n", std::string(ns)};
    run.purpose = "ssh-keygen, signing with " + describe_key() + ",";
    run.time_limit = terminal ? helper_time_limit_terminal : helper_time_limit_batch;
    run.own_process_group = !terminal;
    run.install_hint = std::string(ssh_keygen_hint);
    run.search_path = environment_.path;
    return run;
  }

  // No file at all: the public key and the message are memfds, the signature comes on stdout.
  std::string sign_with_agent(std::string_view message, std::string_view ns) const {
    const FileDescriptor key = memory_file("docket-key", public_key_.to_openssh() + "\n");
    const FileDescriptor input = memory_file("docket-message", message);
    HelperRun run = base_run(ns, has_terminal());
    run.argv.insert(run.argv.end(), {"-U", "-f", "/dev/fd/" + std::to_string(key_fd_in_child)});
    run.stdin_fd = input.get();
    run.key_fd = key.get();
    run.extra_environment = {"SSH_ASKPASS_REQUIRE=never"};
    run.timeout_hint = "ssh-agent did not answer: check it with ssh-add -l (a security key held by the agent waits for a touch)";
    const HelperResult result = run_helper(run);
    if (!result.exited_zero) {
      const bool not_in_agent = result.diagnostics.find("find key in agent") != std::string::npos;
      throw Error(ExitCode::key,
                  "ssh-agent could not sign with " + describe_key() + " (ssh-keygen: " + result.outcome + "): " +
                      trimmed(result.diagnostics),
                  not_in_agent ? "the agent does not hold this key: add it with ssh-add " +
                                     (agent_only_ ? std::string("PRIVATE_KEY_FILE") : private_file_guess()) +
                                     " (ssh-add -L lists the keys it holds)"
                               : agent_hint());
    }
    return result.output;
  }

  // The message on stdin (a memfd) and the signature on stdout, as `ssh-keygen -Y sign` does
  // when given no file: no file is written. At a terminal ssh-keygen then asks for a
  // passphrase or PIN on /dev/tty (askpass only when the user asks for it); without one, only
  // an askpass program the user configured can answer.
  std::string sign_from_stdin(std::string_view message, std::string_view ns, bool terminal) const {
    const FileDescriptor input = memory_file("docket-message", message);
    HelperRun run = base_run(ns, terminal);
    run.argv.insert(run.argv.end(), {"-f", key_file_.string()});
    run.stdin_fd = input.get();
    run.capture_stderr = !terminal;  // at a terminal its prompts and touch requests must show
    run.extra_environment = {"SSH_ASKPASS_REQUIRE=never"};
    run.timeout_hint = "type the passphrase (or touch the security key) sooner, or add the key to ssh-agent: ssh-add " +
                       private_file_guess();
    return checked_output(run_helper(run), run.capture_stderr);
  }

  // A security key without a terminal: its PIN would be read from stdin, so stdin is /dev/null
  // and the message goes in a private temporary file, as git does.
  std::string sign_with_message_file(std::string_view message, std::string_view ns) const {
    const PrivateTempDir work;
    const std::filesystem::path message_file = work.path() / "message";
    write_private_file(message_file, message);
    HelperRun run = base_run(ns, false);
    run.argv.insert(run.argv.end(), {"-f", key_file_.string(), message_file.string()});
    run.extra_environment = {"SSH_ASKPASS_REQUIRE=never"};
    run.timeout_hint = "touch the security key when it blinks, or run docket in a terminal";
    checked_output(run_helper(run), true);
    const std::optional<std::string> armored = read_small_file(message_file.string() + ".sig");
    if (!armored) throw Error(ExitCode::key, "ssh-keygen reported success but wrote no signature for " + describe_key());
    return *armored;
  }

  std::string checked_output(const HelperResult& result, bool captured) const {
    if (result.exited_zero) return result.output;
    std::string what = "ssh-keygen could not sign with " + describe_key() + " (" + result.outcome + ")";
    what += captured ? ": " + trimmed(result.diagnostics) : "; its messages are above";
    throw Error(ExitCode::key, std::move(what), failure_hint());
  }

  std::string describe_key() const {
    return agent_only_ ? "the ssh-agent key " + public_key_.fingerprint() : key_file_.string();
  }

  std::string agent_hint() const {
    const std::string file = agent_only_ ? std::string("PRIVATE_KEY_FILE") : private_file_guess();
    std::string hint = "start ssh-agent and add the key: eval \"$(ssh-agent -s)\" && ssh-add " + file +
                       " (ssh-add -L lists the keys it holds)";
    if (holds_ == KeyFileHolds::encrypted_private_key)
      hint += "; ssh-add asks for the passphrase once, or run docket in a terminal to type it";
    if (holds_ == KeyFileHolds::public_key && !agent_only_)
      hint = "keep the unencrypted private key beside " + key_file_.string() + " (same name without .pub), or " + hint;
    return hint;
  }

  std::string private_file_guess() const {
    const std::string path = key_file_.string();
    return path.ends_with(".pub") ? path.substr(0, path.size() - 4) : path;
  }

  std::string failure_hint() const {
    switch (holds_) {
      case KeyFileHolds::public_key:
        return "keep the private key beside " + key_file_.string() +
               " (same name without .pub), or add it to ssh-agent with: ssh-add " + private_file_guess();
      case KeyFileHolds::security_key:
        return "plug in the security key and touch it when it blinks (ssh-keygen -Y sign needs it); or add the key "
               "to ssh-agent with: ssh-add " + key_file_.string();
      case KeyFileHolds::encrypted_private_key: break;
    }
    return "check the passphrase, or add the key to ssh-agent with: ssh-add " + key_file_.string();
  }

  std::filesystem::path key_file_;
  KeyFileHolds holds_;
  SshPublicKey public_key_;
  bool agent_only_;  // a literal key: no file names it
  SigningEnvironment environment_;
};

}  // namespace

std::unique_ptr<Signer> make_ssh_keygen_signer(std::filesystem::path key_file, KeyFileHolds holds, SshPublicKey key,
                                               SigningEnvironment environment) {
  return std::make_unique<SshKeygenSigner>(std::move(key_file), holds, std::move(key), false, std::move(environment));
}

std::unique_ptr<Signer> make_ssh_agent_signer(SshPublicKey key, SigningEnvironment environment) {
  return std::make_unique<SshKeygenSigner>(std::filesystem::path(), KeyFileHolds::public_key, std::move(key), true,
                                           std::move(environment));
}

std::string run_default_key_command(const std::string& command, const SigningEnvironment& environment) {
  // git splits the command at blanks (strvec_split) and runs it without a shell.
  HelperRun run;
  std::string_view rest = command;
  while (true) {
    const std::size_t start = rest.find_first_not_of(" \t\n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const std::size_t end = rest.find_first_of(" \t\n");
    run.argv.emplace_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  const std::string shown = "git config gpg.ssh.defaultKeyCommand (\"" + command + "\")";
  if (run.argv.empty()) throw Error(ExitCode::key, shown + " is empty", "set it to a command that prints a public key, or unset it");
  run.purpose = shown;
  run.search_path = environment.path;
  run.time_limit = key_command_time_limit;
  run.timeout_hint = "make the command print the key at once (ssh-add -L does), or set user.signingkey instead";
  run.extra_environment = {"SSH_ASKPASS_REQUIRE=never"};
  run.install_hint = "install " + run.argv.front() + ", or change gpg.ssh.defaultKeyCommand";
  const HelperResult result = run_helper(run);
  if (!result.exited_zero)
    throw Error(ExitCode::key, shown + " failed (" + result.outcome + "): " + trimmed(result.diagnostics),
                "run the command yourself to see why; ssh-add -L is the usual one");
  std::string first_line = result.output.substr(0, result.output.find('\n'));
  if (!first_line.empty() && first_line.back() == '\r') first_line.pop_back();
  // git takes `key::…` and `ssh-…` lines only, which leaves out the ecdsa-sha2-… lines that
  // `ssh-add -L` prints for ECDSA keys; docket takes any public key line.
  const std::string_view literal = std::string_view(first_line).substr(first_line.starts_with("key::") ? 5 : 0);
  if (!parse_openssh_public_key(literal))
    throw Error(ExitCode::key, shown + " printed no public key on its first line",
                "it must print a key as key::ssh-ed25519 AAAA… or ssh-ed25519 AAAA… (ssh-add -L prints the agent's)");
  return "key::" + std::string(literal);
}

}  // namespace docket::crypto::detail
