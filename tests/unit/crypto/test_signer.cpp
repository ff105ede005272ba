#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "crypto_test_support.hpp"
#include "docket/core/error.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/crypto/sshsig.hpp"

using namespace docket::crypto;
using docket::test::load_signer;
using docket::Error;
using docket::ExitCode;
using docket::test::EnvGuard;
using docket::test::run;
using docket::test::TempDir;
using docket::test::write_file;

namespace {

const std::string message = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nhello\n";

// The Error load_signer/sign throws, so tests can check its code and text.
template <typename Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a docket::Error");
  return Error(ExitCode::internal, "unreachable");
}

bool verifies(const Signer& signer, const std::string& signed_message = message) {
  const auto signature = sshsig_parse(signer.sign(signed_message));
  return signature && signature->key == signer.public_key() && sshsig_verify(*signature, signed_message);
}

}  // namespace

TEST_CASE("an unencrypted OpenSSH key signs in-process with the key from its .pub") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const auto signer = load_signer(key_path.string());
  CHECK(signer->public_key() == *parse_openssh_public_key(docket::test::public_key_line(key_path)));
  CHECK(verifies(*signer));
  CHECK(load_public_key(key_path) == signer->public_key());
  CHECK(load_public_key(key_path.string() + ".pub") == signer->public_key());
}

TEST_CASE("a PKCS#8 PEM Ed25519 key signs, and stock ssh-keygen accepts the signature") {
  TempDir dir;
  const auto pem = dir / "key.pem";
  REQUIRE(run({"openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.string()}).status == 0);
  ::chmod(pem.c_str(), 0600);

  const auto signer = load_signer(pem.string());
  CHECK(signer->public_key().type == "ssh-ed25519");
  CHECK(load_public_key(pem) == signer->public_key());
  CHECK(verifies(*signer));

  write_file(dir / "allowed_signers", "alice@example.com " + signer->public_key().to_openssh() + "\n");
  write_file(dir / "message.sig", signer->sign(message));
  CHECK(run({"ssh-keygen", "-Y", "verify", "-f", (dir / "allowed_signers").string(), "-I", "alice@example.com", "-n",
             "git", "-s", (dir / "message.sig").string()},
            message)
            .status == 0);

  const auto public_pem = dir / "public.pem";
  REQUIRE(run({"openssl", "pkey", "-in", pem.string(), "-pubout", "-out", public_pem.string()}).status == 0);
  CHECK(load_public_key(public_pem) == signer->public_key());
}

TEST_CASE("a key file that does not exist is a key error naming the path, with a hint") {
  TempDir dir;
  const auto missing = (dir / "nope").string();
  const Error error = error_from([&] { load_signer(missing); });
  CHECK(error.code() == ExitCode::key);
  CHECK(std::string(error.what()).find(missing) != std::string::npos);
  CHECK(error.hint().find("ssh-keygen -t ed25519") != std::string::npos);
  CHECK(error_from([&] { load_public_key(missing); }).code() == ExitCode::key);
}

TEST_CASE("unusable key files are key errors naming the path") {
  TempDir dir;
  write_file(dir / "garbage", "this is not a key\n");
  ::chmod((dir / "garbage").c_str(), 0600);
  const Error garbage = error_from([&] { load_signer((dir / "garbage").string()); });
  CHECK(garbage.code() == ExitCode::key);
  CHECK(std::string(garbage.what()).find((dir / "garbage").string()) != std::string::npos);

  // A directory (like a FIFO or device) is no file at all: bad input, exit 2, refused before any read.
  CHECK(error_from([&] { load_signer(dir.path().string()); }).code() == ExitCode::usage);
  CHECK(error_from([&] { load_signer(""); }).code() == ExitCode::key);

  SUBCASE("a truncated OpenSSH key") {
    const auto key_path = docket::test::make_ssh_key(dir, "alice");
    std::string text = docket::test::read_file(key_path);
    text.erase(100, 80);
    write_file(dir / "broken", text);
    ::chmod((dir / "broken").c_str(), 0600);
    const Error error = error_from([&] { load_signer((dir / "broken").string()); });
    CHECK(error.code() == ExitCode::key);
    CHECK(std::string(error.what()).find("broken") != std::string::npos);
  }
  SUBCASE("an RSA key that is too short") {
    const auto rsa = dir / "rsa";
    REQUIRE(run({"ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", rsa.string()}).status == 0);
    const Error error = error_from([&] { load_signer(rsa.string()); });
    CHECK(error.code() == ExitCode::key);
    CHECK(std::string(error.what()).find("1024-bit RSA") != std::string::npos);
  }
  SUBCASE("a PEM key of an algorithm SSH does not sign with") {
    const auto pem = dir / "x448.pem";
    REQUIRE(run({"openssl", "genpkey", "-algorithm", "X448", "-out", pem.string()}).status == 0);
    ::chmod(pem.c_str(), 0600);
    CHECK(error_from([&] { load_signer(pem.string()); }).code() == ExitCode::key);
  }
  SUBCASE("an encrypted PEM key is refused without prompting") {
    const auto pem = dir / "encrypted.pem";
    REQUIRE(run({"openssl", "genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:secret", "-out",
                 pem.string()})
                .status == 0);
    ::chmod(pem.c_str(), 0600);
    const Error error = error_from([&] { load_signer(pem.string()); });
    CHECK(error.code() == ExitCode::key);
    CHECK(std::string(error.what()).find("encrypted") != std::string::npos);
  }
}

TEST_CASE("a private key readable by other users is refused, as ssh does") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  ::chmod(key_path.c_str(), 0644);
  const Error error = error_from([&] { load_signer(key_path.string()); });
  CHECK(error.code() == ExitCode::key);
  CHECK(error.hint().find("chmod 600") != std::string::npos);
  CHECK(load_public_key(key_path).type == "ssh-ed25519");  // reading the public half is fine
}

TEST_CASE("a .pub spec signs with the unencrypted private key beside it, byte-identical to the key file") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const EnvGuard no_agent("SSH_AUTH_SOCK", std::nullopt);
  const auto external = load_signer(key_path.string() + ".pub");
  const auto in_process = load_signer(key_path.string());
  CHECK(external->public_key() == in_process->public_key());
  CHECK(external->sign(message) == in_process->sign(message));
  CHECK(external->sign(message, "file") == in_process->sign(message, "file"));
}

TEST_CASE("a .pub spec with no private key beside it and no agent gives a clear key error") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const auto lonely = dir / "lonely.pub";
  std::filesystem::copy_file(key_path.string() + ".pub", lonely);
  const EnvGuard no_agent("SSH_AUTH_SOCK", std::nullopt);
  const docket::test::StdinFromDevNull no_terminal;

  const auto signer = load_signer(lonely.string());
  CHECK(signer->public_key() == load_public_key(key_path));
  const Error error = error_from([&] { signer->sign(message); });
  CHECK(error.code() == ExitCode::key);
  CHECK(std::string(error.what()).find("ssh-agent") != std::string::npos);
  CHECK(std::string(error.what()).find(lonely.string()) != std::string::npos);
  CHECK(error.hint().find("private key beside") != std::string::npos);
  CHECK(error.hint().find("ssh-add") != std::string::npos);
}

TEST_CASE("a literal public key spec needs ssh-agent, and says so when it is absent") {
  TempDir dir;
  const std::string line = docket::test::public_key_line(docket::test::make_ssh_key(dir, "alice"));
  const EnvGuard no_agent("SSH_AUTH_SOCK", std::nullopt);
  const docket::test::StdinFromDevNull no_terminal;

  for (const std::string& spec : {line, "key::" + line}) {
    const auto signer = load_signer(spec);
    CHECK(signer->public_key() == *parse_openssh_public_key(line));
    const Error error = error_from([&] { signer->sign(message); });
    CHECK(error.code() == ExitCode::key);
    CHECK(std::string(error.what()).find(signer->public_key().fingerprint()) != std::string::npos);
    CHECK(error.hint().find("ssh-agent") != std::string::npos);
  }
  CHECK(error_from([&] { load_signer("ssh-ed25519 AAAAnotakey"); }).code() == ExitCode::key);
}

namespace {

// ssh-agent in the foreground (-D) on a private socket, stopped by its own pid. (A daemonised
// agent would keep the test's output pipe open.)
class TestAgent {
public:
  explicit TestAgent(const std::filesystem::path& socket) : socket_(socket) {
    const std::string socket_text = socket.string();
    const char* argv[] = {"ssh-agent", "-D", "-a", socket_text.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "ssh-agent", &actions, nullptr, const_cast<char* const*>(argv), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 100 && pid_ > 0 && !std::filesystem::exists(socket_); ++i) ::usleep(20'000);
  }
  ~TestAgent() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  TestAgent(const TestAgent&) = delete;
  TestAgent& operator=(const TestAgent&) = delete;
  bool running() const { return pid_ > 0 && std::filesystem::exists(socket_); }

private:
  std::filesystem::path socket_;
  pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("a literal key is signed by ssh-agent when the agent holds it") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice");
  const TestAgent agent(dir / "agent.sock");
  if (!agent.running()) {
    MESSAGE("ssh-agent could not be started; skipping");
    return;
  }
  const EnvGuard agent_socket("SSH_AUTH_SOCK", (dir / "agent.sock").string());
  REQUIRE(run({"ssh-add", "-q", key_path.string()}).status == 0);
  // Without the private key file, only the agent can sign.
  std::filesystem::remove(key_path);

  const std::string line = docket::test::public_key_line(key_path);
  const auto from_agent = load_signer("key::" + line);
  CHECK(verifies(*from_agent));
  CHECK(sshsig_parse(from_agent->sign(message))->key == *parse_openssh_public_key(line));
}

TEST_CASE("an encrypted OpenSSH key goes to ssh-keygen, which asks for the passphrase") {
  TempDir dir;
  const auto key_path = docket::test::make_ssh_key(dir, "alice", "secret");
  const EnvGuard no_agent("SSH_AUTH_SOCK", std::nullopt);
  const docket::test::StdinFromDevNull no_terminal;

  const auto signer = load_signer(key_path.string());
  CHECK(signer->public_key() == *parse_openssh_public_key(docket::test::public_key_line(key_path)));
  CHECK(load_public_key(key_path) == signer->public_key());

  SUBCASE("with the passphrase from SSH_ASKPASS it signs") {
    const auto askpass = dir / "askpass";
    write_file(askpass, "#!/bin/sh\necho secret\n");
    ::chmod(askpass.c_str(), 0700);
    const EnvGuard program("SSH_ASKPASS", askpass.string());
    const EnvGuard required("SSH_ASKPASS_REQUIRE", std::string("force"));
    // The environment is read when the signer is made (the CLI gathers it once).
    const auto with_askpass = load_signer(key_path.string());
    CHECK(verifies(*with_askpass));
    // Same key, same message: the same deterministic signature as the unencrypted copy.
    REQUIRE(run({"ssh-keygen", "-q", "-p", "-P", "secret", "-N", "", "-f", key_path.string()}).status == 0);
    CHECK(with_askpass->sign(message) == load_signer(key_path.string())->sign(message));
  }
  SUBCASE("without a terminal, an agent or an askpass program it fails at once, saying how to fix it") {
    const EnvGuard never("SSH_ASKPASS_REQUIRE", std::string("never"));
    const Error error = error_from([&] { signer->sign(message); });
    CHECK(error.code() == ExitCode::key);
    CHECK(std::string(error.what()).find(key_path.string()) != std::string::npos);
    CHECK(error.hint().find("passphrase") != std::string::npos);
  }
}

TEST_CASE("a key file whose private half does not belong to its public half is refused, never used to sign") {
  // Found by fuzz/fuzz_key_file: a PKCS#8 RSA key with three base64 characters changed (the
  // private exponent no longer matches n and e) loaded, and every signature it made failed to
  // verify. An OpenSSH ECDSA key whose private scalar is not its public point's did the same.
  TempDir dir;
  std::string name;
  SUBCASE("PEM RSA") { name = "pem-rsa-halves-differ.pem"; }
  SUBCASE("OpenSSH ECDSA") { name = "openssh-ecdsa-scalar-mismatch"; }
  const auto path = dir / name;
  write_file(path, docket::test::read_file(std::filesystem::path(DOCKET_SOURCE_DIR) / "tests/unit/data" / name));
  ::chmod(path.c_str(), 0600);
  const Error error = error_from([&] { load_signer(path.string()); });
  CHECK(error.code() == ExitCode::key);
  CHECK(std::string(error.what()).find(path.string()) != std::string::npos);
}
