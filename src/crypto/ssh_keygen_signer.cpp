#include "ssh_keygen_signer.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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

// A folder only the current user can enter (mkdtemp makes it 0700), removed with its content.
class PrivateTempDir {
public:
  PrivateTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "docket-sign-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      const int error = errno;
      fail_system(error, "cannot create a temporary folder in " + pattern);
    }
    path_ = pattern;
  }
  ~PrivateTempDir() {
    std::error_code ignored;  // a destructor must not throw; a leftover temp folder is harmless
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
  while (!content.empty()) {
    const ssize_t written = ::write(file.get(), content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      const int error = errno;
      fail_system(error, "cannot write " + path.string());
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return std::nullopt;
  std::string content;
  char buffer[4096];
  while (true) {
    const ssize_t got = ::read(file.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return std::nullopt;
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  return content;
}

struct ProcessResult {
  bool exited_zero = false;
  std::string outcome;      // "exit status 255", "killed by signal 9"
  std::string diagnostics;  // what it wrote to stdout/stderr, when captured
  bool diagnostics_captured = true;
};

class SpawnFileActions {
public:
  SpawnFileActions() {
    if (int error = posix_spawn_file_actions_init(&actions_); error != 0)
      fail_system(error, "cannot prepare to run ssh-keygen");
  }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  void dup_to(int fd, int target) {
    if (int error = posix_spawn_file_actions_adddup2(&actions_, fd, target); error != 0)
      fail_system(error, "cannot prepare to run ssh-keygen");
  }
  const posix_spawn_file_actions_t* get() const noexcept { return &actions_; }

private:
  posix_spawn_file_actions_t actions_;
};

// Runs `argv` (found on PATH, never through a shell) with stdin left to the user. Its output is
// captured for error messages, except stderr when stdin is a terminal: that is where
// ssh-keygen prompts for a passphrase, so the prompt must stay visible.
ProcessResult run_ssh_keygen(const std::vector<std::string>& argv) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    const int error = errno;
    fail_system(error, "cannot create a pipe for ssh-keygen");
  }
  FileDescriptor read_end(pipe_ends[0]);
  FileDescriptor write_end(pipe_ends[1]);

  ProcessResult result;
  result.diagnostics_captured = !::isatty(STDIN_FILENO);
  SpawnFileActions actions;
  actions.dup_to(write_end.get(), STDOUT_FILENO);
  if (result.diagnostics_captured) actions.dup_to(write_end.get(), STDERR_FILENO);

  std::vector<char*> arguments;
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);

  pid_t pid = 0;
  if (int error = posix_spawnp(&pid, argv.front().c_str(), actions.get(), nullptr, arguments.data(), environ);
      error != 0) {
    throw Error(ExitCode::key, "cannot run " + argv.front() + ": " + std::strerror(error),
                "install OpenSSH's ssh-keygen (8.2 or later) and make sure it is on PATH");
  }
  write_end.reset();  // so reading sees end-of-file when ssh-keygen exits

  char buffer[1024];
  while (true) {
    const ssize_t got = ::read(read_end.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (result.diagnostics.size() < max_diagnostics) result.diagnostics.append(buffer, static_cast<std::size_t>(got));
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    const int error = errno;
    if (error != EINTR) fail_system(error, "cannot wait for ssh-keygen");
  }
  result.exited_zero = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  result.outcome = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                     : "killed by signal " + std::to_string(WTERMSIG(status));
  return result;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

class SshKeygenSigner final : public Signer {
public:
  SshKeygenSigner(std::filesystem::path key_file, KeyFileHolds holds, SshPublicKey key,
                  std::unique_ptr<PrivateTempDir> key_dir)
      : key_file_(std::move(key_file)), holds_(holds), public_key_(std::move(key)), key_dir_(std::move(key_dir)) {}

  const SshPublicKey& public_key() const override { return public_key_; }

  std::string sign(std::string_view message, std::string_view ns) const override {
    // The message goes in a file, as git does, because ssh-keygen reads a passphrase from
    // stdin when stdin is a terminal.
    const PrivateTempDir work;
    const std::filesystem::path message_file = work.path() / "message";
    write_private_file(message_file, message);

    std::vector<std::string> argv{"ssh-keygen", "-Y", "sign", "-n", std::string(ns), "-f", key_file_.string()};
    if (uses_agent_only()) argv.emplace_back("-U");
    argv.push_back(message_file.string());
    const ProcessResult result = run_ssh_keygen(argv);
    if (!result.exited_zero) {
      std::string what = "ssh-keygen could not sign with " + describe_key() + " (" + result.outcome + ")";
      what += result.diagnostics_captured ? ": " + trimmed(result.diagnostics) : "; its messages are above";
      throw Error(ExitCode::key, std::move(what), failure_hint());
    }

    const std::optional<std::string> armored = read_small_file(message_file.string() + ".sig");
    const std::optional<SshSignature> signature = armored ? sshsig_parse(*armored) : std::nullopt;
    if (!signature) throw Error(ExitCode::key, "ssh-keygen reported success but wrote no readable signature for " + describe_key());
    // Never hand out a signature that docket's own verification would reject.
    if (signature->key != public_key_)
      throw Error(ExitCode::key, "ssh-keygen signed with " + signature->key.fingerprint() + " instead of " + describe_key(),
                  "check which key ssh-agent offers with: ssh-add -l");
    if (!sshsig_verify(*signature, message, ns))
      throw Error(ExitCode::key, "the signature ssh-keygen made with " + describe_key() + " does not verify");
    return sshsig_armor(*signature);
  }

private:
  bool uses_agent_only() const noexcept { return key_dir_ != nullptr; }

  std::string describe_key() const {
    return uses_agent_only() ? "the ssh-agent key " + public_key_.fingerprint() : key_file_.string();
  }

  std::string failure_hint() const {
    if (uses_agent_only())
      return "start ssh-agent and add the key (ssh-add PRIVATE_KEY_FILE); ssh-add -L lists the keys it holds";
    if (holds_ == KeyFileHolds::public_key)
      return "keep the private key beside " + key_file_.string() +
             " (same name without .pub), or add it to ssh-agent with: ssh-add PRIVATE_KEY_FILE";
    return "check the passphrase, or add the key to ssh-agent with: ssh-add " + key_file_.string();
  }

  std::filesystem::path key_file_;
  KeyFileHolds holds_;
  SshPublicKey public_key_;
  std::unique_ptr<PrivateTempDir> key_dir_;  // holds key_file_ when the key is a literal
};

}  // namespace

std::unique_ptr<Signer> make_ssh_keygen_signer(std::filesystem::path key_file, KeyFileHolds holds, SshPublicKey key) {
  return std::make_unique<SshKeygenSigner>(std::move(key_file), holds, std::move(key), nullptr);
}

std::unique_ptr<Signer> make_ssh_agent_signer(SshPublicKey key) {
  auto key_dir = std::make_unique<PrivateTempDir>();
  const std::filesystem::path key_file = key_dir->path() / "signing_key.pub";
  write_private_file(key_file, key.to_openssh() + "\n");
  return std::make_unique<SshKeygenSigner>(key_file, KeyFileHolds::public_key, std::move(key), std::move(key_dir));
}

}  // namespace docket::crypto::detail
