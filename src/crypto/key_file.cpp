#include "key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/pem.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "docket/core/error.hpp"
#include "docket/crypto/base64.hpp"
#include "ssh_algorithms.hpp"
#include "ssh_wire.hpp"

namespace docket::crypto::detail {

namespace {

// Real key files are a few kilobytes; anything far larger is not a key.
constexpr off_t max_key_file_size = 1 << 20;

constexpr std::string_view openssh_begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view openssh_end = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view openssh_magic{"openssh-key-v1\0", 15};

[[noreturn]] void fail_key(const std::filesystem::path& path, const std::string& problem, std::string hint) {
  throw Error(ExitCode::key, "key file " + path.string() + " " + problem, std::move(hint));
}

// A path that is no file at all (a FIFO, socket, device or folder) is bad input, exit 2, as for
// evidence: it is refused before anything is read.
[[noreturn]] void fail_not_a_file(const std::filesystem::path& path, const std::string& problem) {
  throw Error(ExitCode::usage, "key file " + path.string() + " " + problem, "give the path of the key file itself");
}

[[noreturn]] void fail_malformed(const std::filesystem::path& path, const std::string& detail) {
  fail_key(path, "is not a valid OpenSSH private key (" + detail + ")",
           "check that the file is complete, or " + std::string(generate_key_hint));
}

// Closes a file descriptor on every path out of read_key_file.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }

private:
  int fd_;
};

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string_view take_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return trim(line);
}

// BIO_new_mem_buf reads the caller's bytes in place, so the secret is never copied.
Bio read_only_bio(std::string_view content, const std::filesystem::path& path) {
  if (content.size() > static_cast<std::size_t>(INT_MAX)) fail_key(path, "is too large", {});
  Bio bio(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!bio) throw_openssl_error(ExitCode::internal, "cannot wrap key file " + path.string() + " for OpenSSL");
  return bio;
}

// Refuses to ask for a passphrase: OpenSSL's default would prompt on the terminal.
int refuse_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

KeyFileContent read_key_file(const std::filesystem::path& path) {
  // O_NONBLOCK: a FIFO with no writer would otherwise hold the open forever.
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (file.get() < 0) {
    const int error = errno;
    if (error == ENXIO) fail_not_a_file(path, "is a FIFO or socket, not a key file");
    if (error == ENOENT || error == ENOTDIR)
      fail_key(path, "does not exist",
               std::string(generate_key_hint) + ", or point --key, DOCKET_SIGNING_KEY or git config user.signingkey at your key");
    fail_key(path, std::string("cannot be read: ") + std::strerror(error),
             error == EACCES ? "check the file's owner and permissions" : "");
  }
  struct stat status{};
  if (::fstat(file.get(), &status) != 0) fail_key(path, std::string("cannot be read: ") + std::strerror(errno), {});
  if (S_ISDIR(status.st_mode)) fail_not_a_file(path, "is a directory, not a key");
  if (!S_ISREG(status.st_mode)) fail_not_a_file(path, "is not a regular file (a FIFO, socket or device), so it cannot be a key");
  ::fcntl(file.get(), F_SETFL, ::fcntl(file.get(), F_GETFL) & ~O_NONBLOCK);
  if (status.st_size > max_key_file_size) fail_key(path, "is too large to be a key", "check the path");

  // Read straight into a buffer of the final size: an ifstream would keep copies in its own buffer.
  std::string bytes(static_cast<std::size_t>(status.st_size), '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::read(file.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      SecretString discard(std::move(bytes));
      fail_key(path, std::string("cannot be read: ") + std::strerror(error), {});
    }
    if (got == 0) break;  // the file shrank while being read
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  KeyFileContent content{SecretString(std::move(bytes)), false};
  content.exposed_to_others = status.st_uid == ::getuid() && (status.st_mode & 077) != 0;
  return content;
}

KeyFileFormat detect_key_file_format(std::string_view content) {
  const std::string_view text = trim(content);
  if (text.starts_with(openssh_begin)) return KeyFileFormat::openssh_private;
  if (text.starts_with("-----BEGIN ")) return KeyFileFormat::pem;
  std::string_view rest = text;
  if (parse_openssh_public_key(take_line(rest))) return KeyFileFormat::openssh_public;
  return KeyFileFormat::unknown;
}

OpenSshPrivateKey parse_openssh_private_key(std::string_view content, const std::filesystem::path& path,
                                            PrivatePart private_part) {
  std::string_view text = trim(content);
  if (take_line(text) != openssh_begin) fail_malformed(path, "no BEGIN line");
  // Joined base64 body: reserved up front so the buffer never moves and is wiped once.
  SecretString encoded;
  encoded.mutable_bytes().reserve(text.size());
  bool saw_end = false;
  while (!text.empty()) {
    const std::string_view line = take_line(text);
    if (line == openssh_end) {
      saw_end = true;
      break;
    }
    encoded.mutable_bytes().append(line);
  }
  if (!saw_end || !trim(text).empty()) fail_malformed(path, "no END line, or text after it");
  auto decoded = base64_decode(encoded.view());
  if (!decoded) fail_malformed(path, "the body is not base64");
  const SecretString blob(std::move(*decoded));

  SshReader reader(blob.view());
  if (reader.raw(openssh_magic.size()) != openssh_magic) fail_malformed(path, "not openssh-key-v1");
  const auto cipher = reader.string();
  const auto kdf = reader.string();
  const auto kdf_options = reader.string();
  const auto key_count = reader.u32();
  const auto public_blob = reader.string();
  const auto private_section = reader.string();
  if (!cipher || !kdf || !kdf_options || !key_count || !public_blob || !private_section || !reader.empty())
    fail_malformed(path, "truncated header");
  if (*key_count != 1) fail_malformed(path, "it holds " + std::to_string(*key_count) + " keys, not one");
  auto public_key = parse_public_key_blob(*public_blob);
  if (!public_key) fail_malformed(path, "unreadable public key");

  OpenSshPrivateKey key;
  key.public_key = std::move(*public_key);
  key.encrypted = *cipher != "none";
  if (!key.encrypted && *kdf != "none") fail_malformed(path, "unencrypted, yet it names a key derivation");
  if (key.encrypted || private_part == PrivatePart::skip) return key;

  // The private section: two equal check words, then the key, comment and 1,2,3… padding.
  SshReader section(*private_section);
  const auto check_1 = section.u32();
  const auto check_2 = section.u32();
  const auto type = section.string();
  if (!check_1 || !check_2 || !type) fail_malformed(path, "truncated private part");
  if (*check_1 != *check_2) fail_malformed(path, "check words differ");
  if (*type != key.public_key.type) fail_malformed(path, "private part does not match the public key");
  const KeyTypeInfo* info = key_type_info(*type);
  if (!info) return key;  // a type docket refuses; the caller says so
  std::string problem;
  key.private_key = openssh_private_key(*info, section, problem);
  if (!problem.empty()) fail_malformed(path, problem);
  const auto comment = section.string();
  if (!comment) fail_malformed(path, "truncated private part");
  // Unencrypted sections are padded to the 8-byte block of the "none" cipher.
  if (private_section->size() % 8 != 0) fail_malformed(path, "private part is not padded to 8 bytes");
  const std::string_view padding = section.rest();
  for (std::size_t i = 0; i < padding.size(); ++i)
    if (static_cast<std::size_t>(static_cast<unsigned char>(padding[i])) != i + 1) fail_malformed(path, "bad padding");
  // The private key determines the public key; a mismatch means the file was altered.
  if (key.private_key && public_key_of(key.private_key.get(), path.string()) != key.public_key)
    fail_malformed(path, "its private key does not produce its public key");
  return key;
}

EvpPkey parse_pem_private_key(std::string_view content, const std::filesystem::path& path) {
  if (content.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      content.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos)
    fail_key(path, "is an encrypted PEM key, which docket cannot unlock",
             "use an OpenSSH key (ssh-keygen -t ed25519), whose passphrase ssh-keygen or ssh-agent can handle");
  const Bio bio = read_only_bio(content, path);
  EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!key)
    throw_openssl_error(ExitCode::key, "key file " + path.string() + " is not a readable PEM private key",
                        std::string(generate_key_hint));
  // PEM states both halves of the key, and OpenSSL reads them as stated.
  if (!key_pair_matches(key.get()))
    fail_key(path, "holds a private key that does not match its own public key",
             "check that the file is complete, or " + std::string(generate_key_hint));
  return key;
}

EvpPkey parse_pem_public_key(std::string_view content, const std::filesystem::path& path) {
  const Bio bio = read_only_bio(content, path);
  EvpPkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!key) throw_openssl_error(ExitCode::key, "key file " + path.string() + " is not a readable PEM public key");
  return key;
}

}  // namespace docket::crypto::detail
