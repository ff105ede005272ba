#pragma once
// Helpers for the crypto tests: keys made by stock ssh-keygen, and stock tools run in an
// isolated environment so the developer's own agent and git config never leak in.

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "docket/crypto/signer.hpp"

namespace docket::test {

// Sets (or unsets) one environment variable for the life of the guard.
class EnvGuard {
public:
  EnvGuard(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value)
      ::setenv(name_.c_str(), value->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }
  ~EnvGuard() {
    if (old_)
      ::setenv(name_.c_str(), old_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

private:
  std::string name_;
  std::optional<std::string> old_;
};

// Points fd 0 at /dev/null, so ssh-keygen can never wait for a passphrase typed on a terminal.
class StdinFromDevNull {
public:
  StdinFromDevNull() : saved_(::dup(0)) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::close(null_fd);
  }
  ~StdinFromDevNull() {
    ::dup2(saved_, 0);
    ::close(saved_);
  }
  StdinFromDevNull(const StdinFromDevNull&) = delete;
  StdinFromDevNull& operator=(const StdinFromDevNull&) = delete;

private:
  int saved_;
};

// The signing environment as the CLI gathers it, from this process's (EnvGuard-controlled)
// environment, and load_signer with it.
inline crypto::SigningEnvironment signing_environment() {
  crypto::SigningEnvironment environment;
  if (const char* v = std::getenv("PATH")) environment.path = v;
  const char* sock = std::getenv("SSH_AUTH_SOCK");
  environment.agent = sock && *sock;
  if (const char* v = std::getenv("SSH_ASKPASS_REQUIRE")) environment.askpass_require = std::string(v);
  return environment;
}
inline std::unique_ptr<crypto::Signer> load_signer(const std::string& spec) {
  return crypto::load_signer(spec, signing_environment());
}

// `ssh-keygen -t ed25519` into dir/name (and name.pub); an empty passphrase leaves it unencrypted.
inline std::filesystem::path make_ssh_key(const TempDir& dir, const std::string& name,
                                          const std::string& passphrase = "") {
  const std::filesystem::path key = dir / name;
  const RunResult made =
      run({"ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name + "@example.com", "-f", key.string()});
  if (made.status != 0) throw std::runtime_error("ssh-keygen could not make " + key.string());
  return key;
}

inline std::string public_key_line(const std::filesystem::path& private_key) {
  std::string line = read_file(private_key.string() + ".pub");
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// Runs a stock tool with a clean, predictable environment: no agent, no user git config.
inline RunResult run_isolated(const TempDir& home, std::vector<std::string> argv, const std::string& input = {}) {
  std::vector<std::string> command{"env",
                                   "-u",
                                   "SSH_AUTH_SOCK",
                                   "HOME=" + home.path().string(),
                                   "GIT_CONFIG_NOSYSTEM=1",
                                   "GIT_CONFIG_GLOBAL=" + (home / "gitconfig").string(),
                                   "GIT_AUTHOR_NAME=Alice",
                                   "GIT_AUTHOR_EMAIL=alice@example.com",
                                   "GIT_COMMITTER_NAME=Alice",
                                   "GIT_COMMITTER_EMAIL=alice@example.com"};
  command.insert(command.end(), argv.begin(), argv.end());
  return run(command, input);
}

}  // namespace docket::test
