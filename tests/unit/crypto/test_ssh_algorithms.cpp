// Every SSH key type docket signs and verifies, refereed by stock ssh-keygen and by OpenSSH's own
// test vectors (../shared/fixtures/openssh-sshsig); security-key signatures built here from
// software keys following OpenSSH PROTOCOL.u2f.
#include <doctest/doctest.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto_test_support.hpp"
#include "docket/core/error.hpp"
#include "docket/crypto/base64.hpp"
#include "docket/crypto/sha256.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/crypto/sshsig.hpp"

using namespace docket::crypto;
using docket::test::load_signer;
using docket::test::read_file;
using docket::test::run;
using docket::test::TempDir;
using docket::test::write_file;

namespace {

const std::filesystem::path kVectors =
    std::filesystem::path(DOCKET_SOURCE_DIR) / ".." / "shared" / "fixtures" / "openssh-sshsig";

const std::string message = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nhello from every key type\n";

// The SSH wire encoding (RFC 4251 §5), written out here so the tests do not lean on the code
// under test.
struct Wire {
  std::string bytes;
  Wire& u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((v >> shift) & 0xff));
    return *this;
  }
  Wire& str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes.append(s);
    return *this;
  }
  Wire& raw(std::string_view s) {
    bytes.append(s);
    return *this;
  }
};

std::string sha256_raw(std::string_view data) {
  const auto d = sha256(data).bytes();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

SshSignature parse_file(const std::filesystem::path& path) {
  const auto signature = sshsig_parse(read_file(path));
  REQUIRE(signature);
  return *signature;
}

bool stock_verifies(const TempDir& dir, const std::string& armored, const std::string& data, const SshPublicKey& key,
                    const std::string& ns = "git") {
  write_file(dir / "allowed_signers", "alice@example.com " + key.to_openssh() + "\n");
  write_file(dir / "data.sig", armored);
  return run({"ssh-keygen", "-Y", "verify", "-f", (dir / "allowed_signers").string(), "-I", "alice@example.com", "-n", ns,
              "-s", (dir / "data.sig").string()},
             data)
             .status == 0;
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// EVP_PKEY_Q_keygen's variadic tail: the curve name for "EC", the bit count for "RSA", nothing else.
Pkey generate(const char* algorithm, const char* curve = nullptr) {
  EVP_PKEY* key = curve                                  ? EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm, curve)
                  : std::string_view(algorithm) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm, std::size_t{2048})
                                                         : EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm);
  REQUIRE(key);
  return Pkey(key);
}

std::string evp_sign(EVP_PKEY* key, const EVP_MD* md, std::string_view data, bool pkcs1 = false) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  REQUIRE(EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key) == 1);
  if (pkcs1) REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1);
  std::size_t size = 0;
  REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1);
  std::string out(size, '\0');
  REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size,
                         reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1);
  out.resize(size);
  return out;
}

// DER ECDSA-Sig-Value → SSH's mpint r, mpint s.
std::string ssh_ecdsa_signature(const std::string& der) {
  const unsigned char* in = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size()));
  REQUIRE(sig);
  const auto mpint = [](const BIGNUM* n) {
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(n)), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(bytes.data()));
    if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80)) bytes.insert(bytes.begin(), '\0');
    return bytes;
  };
  Wire w;
  w.str(mpint(ECDSA_SIG_get0_r(sig))).str(mpint(ECDSA_SIG_get0_s(sig)));
  ECDSA_SIG_free(sig);
  return w.bytes;
}

std::string raw_public(EVP_PKEY* key) {
  std::string raw(32, '\0');
  std::size_t size = raw.size();
  REQUIRE(EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) == 1);
  return raw;
}

std::string ec_point(EVP_PKEY* key) {
  std::string point(65, '\0');
  std::size_t size = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, reinterpret_cast<unsigned char*>(point.data()),
                                          point.size(), &size) == 1);
  point.resize(size);
  return point;
}

SshSignature make_sshsig(const SshPublicKey& key, std::string sig_type, std::string blob, const std::string& ns = "git") {
  return SshSignature{key, ns, "sha512", std::move(sig_type), std::move(blob)};
}

}  // namespace

TEST_CASE("OpenSSH's own test vectors verify for every key type, and fail for another message, namespace or key") {
  const std::string data = read_file(kVectors / "signed-data");
  const std::string ns = read_file(kVectors / "namespace");
  for (const std::string name : {"rsa", "ecdsa", "ed25519", "ecdsa_sk", "ed25519_sk", "ecdsa_sk_webauthn"}) {
    CAPTURE(name);
    const SshSignature signature = parse_file(kVectors / (name + ".sig"));
    const auto key = parse_openssh_public_key(read_file(kVectors / (name + ".pub")));
    REQUIRE(key);
    CHECK(signature.key == *key);
    CHECK_FALSE(unusable_key_reason(*key));
    CHECK(sshsig_check(signature, data, ns).verdict == SshsigVerdict::valid);
    CHECK(sshsig_check(signature, data + "x", ns).verdict == SshsigVerdict::invalid);
    CHECK_FALSE(sshsig_verify(signature, data, "git"));
    // The same signature presented for another key of another type never verifies.
    SshSignature other = signature;
    other.key = *parse_openssh_public_key(read_file(kVectors / (name == "rsa" ? "ed25519.pub" : "rsa.pub")));
    CHECK(sshsig_check(other, data, ns).verdict != SshsigVerdict::valid);
  }
}

TEST_CASE("OpenSSH's private test keys load, and docket's signatures with them verify with ssh-keygen") {
  TempDir dir;
  const std::string data = read_file(kVectors / "signed-data");
  for (const std::string name : {"rsa", "ecdsa", "ed25519"}) {
    CAPTURE(name);
    std::filesystem::copy_file(kVectors / name, dir / name);
    ::chmod((dir / name).c_str(), 0600);
    const auto signer = load_signer((dir / name).string());
    CHECK(signer->public_key() == *parse_openssh_public_key(read_file(kVectors / (name + ".pub"))));
    CHECK(stock_verifies(dir, signer->sign(data, "unittest"), data, signer->public_key(), "unittest"));
  }
  // Security keys sign only through ssh-keygen and the authenticator; their key handles load.
  for (const std::string name : {"ecdsa_sk", "ed25519_sk"}) {
    CAPTURE(name);
    std::filesystem::copy_file(kVectors / name, dir / name);
    ::chmod((dir / name).c_str(), 0600);
    CHECK(load_public_key(dir / name) == *parse_openssh_public_key(read_file(kVectors / (name + ".pub"))));
    CHECK(load_signer((dir / name).string())->public_key() == load_public_key(dir / name));
  }
}

TEST_CASE("every key type ssh-keygen makes here: docket and ssh-keygen accept each other's signatures") {
  TempDir dir;
  struct Case {
    std::string type, bits, label;
    bool deterministic;
  };
  for (const Case& c : std::vector<Case>{{"ed25519", "256", "ED25519", true},
                                          {"rsa", "3072", "RSA", true},
                                          {"ecdsa", "256", "ECDSA", false},
                                          {"ecdsa", "384", "ECDSA", false},
                                          {"ecdsa", "521", "ECDSA", false}}) {
    CAPTURE(c.type + "-" + c.bits);
    const auto path = dir / (c.type + c.bits);
    REQUIRE(run({"ssh-keygen", "-q", "-t", c.type, "-b", c.bits, "-N", "", "-f", path.string()}).status == 0);
    const auto signer = load_signer(path.string());
    const SshPublicKey key = *parse_openssh_public_key(read_file(path.string() + ".pub"));
    CHECK(signer->public_key() == key);
    CHECK(key.label() == c.label);
    CHECK(key.bits() == std::stoi(c.bits));
    CHECK(key.fingerprint() == run({"ssh-keygen", "-lf", path.string() + ".pub"}).out.substr(c.bits.size() + 1, 50));

    const std::string ours = signer->sign(message);
    const auto stock = run({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", path.string()}, message);
    REQUIRE(stock.status == 0);
    // Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic: byte for byte what ssh-keygen
    // writes. ECDSA signatures take a random nonce, so each side checks the other's instead.
    if (c.deterministic) CHECK(ours == stock.out);
    CHECK(stock_verifies(dir, ours, message, key));
    CHECK_FALSE(stock_verifies(dir, ours, message + "x", key));
    const auto theirs = sshsig_parse(stock.out);
    REQUIRE(theirs);
    CHECK(sshsig_verify(*theirs, message));
    CHECK_FALSE(sshsig_verify(*theirs, message + "x"));
    const auto mine = sshsig_parse(ours);
    REQUIRE(mine);
    if (c.type == "rsa") CHECK(mine->sig_type == "rsa-sha2-512");
    if (c.type == "ecdsa") CHECK(mine->sig_type == "ecdsa-sha2-nistp" + c.bits);
    // A flipped bit in the signature never verifies.
    SshSignature flipped = *mine;
    flipped.signature_blob[flipped.signature_blob.size() - 3] ^= 0x01;
    CHECK_FALSE(sshsig_verify(flipped, message));
  }
}

TEST_CASE("RSA: rsa-sha2-256 verifies, the SHA-1 ssh-rsa is refused as OpenSSH refuses it") {
  const Pkey key = generate("RSA", nullptr);
  // Its OpenSSH public key, written by hand: string "ssh-rsa", mpint e, mpint n.
  const auto mpint = [&](const char* param) {
    BIGNUM* n = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key.get(), param, &n) == 1);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(n)), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(n);
    if (static_cast<unsigned char>(bytes[0]) & 0x80) bytes.insert(bytes.begin(), '\0');
    return bytes;
  };
  Wire blob;
  blob.str("ssh-rsa").str(mpint(OSSL_PKEY_PARAM_RSA_E)).str(mpint(OSSL_PKEY_PARAM_RSA_N));
  const auto public_key = parse_public_key_blob(blob.bytes);
  REQUIRE(public_key);
  CHECK_FALSE(unusable_key_reason(*public_key));  // EVP_PKEY_Q_keygen's RSA default is 2048 bits
  const std::string data = sshsig_signed_data("git", "sha512", message);

  Wire sha256_sig;
  sha256_sig.str("rsa-sha2-256").str(evp_sign(key.get(), EVP_sha256(), data, true));
  CHECK(sshsig_check(make_sshsig(*public_key, "rsa-sha2-256", sha256_sig.bytes), message).verdict == SshsigVerdict::valid);
  CHECK_FALSE(sshsig_verify(make_sshsig(*public_key, "rsa-sha2-256", sha256_sig.bytes), message + "x"));

  Wire sha1_sig;
  sha1_sig.str("ssh-rsa").str(evp_sign(key.get(), EVP_sha1(), data, true));
  const SshsigCheck legacy = sshsig_check(make_sshsig(*public_key, "ssh-rsa", sha1_sig.bytes), message);
  CHECK(legacy.verdict == SshsigVerdict::unusable);
  CHECK(legacy.problem.find("SHA-1") != std::string::npos);

  // A signature labelled rsa-sha2-512 but made with SHA-256 does not verify.
  Wire mislabelled;
  mislabelled.str("rsa-sha2-512").str(evp_sign(key.get(), EVP_sha256(), data, true));
  CHECK(sshsig_check(make_sshsig(*public_key, "rsa-sha2-512", mislabelled.bytes), message).verdict == SshsigVerdict::invalid);
}

TEST_CASE("security-key signatures (PROTOCOL.u2f) built from software keys: user presence is required") {
  const std::string application = "ssh:";
  const std::string data = sshsig_signed_data("git", "sha512", message);
  // sign_u2f(flags, counter): the signature blob of an authenticator over `data`.
  struct Case {
    std::string type;
    Pkey key;
    std::string public_blob;
  };
  std::vector<Case> cases;
  {
    Pkey ed = generate("ED25519");
    Wire blob;
    blob.str("sk-ssh-ed25519@openssh.com").str(raw_public(ed.get())).str(application);
    cases.push_back({"sk-ssh-ed25519@openssh.com", std::move(ed), blob.bytes});
    Pkey ec = generate("EC", "P-256");
    Wire ec_blob;
    ec_blob.str("sk-ecdsa-sha2-nistp256@openssh.com").str("nistp256").str(ec_point(ec.get())).str(application);
    cases.push_back({"sk-ecdsa-sha2-nistp256@openssh.com", std::move(ec), ec_blob.bytes});
  }
  for (const Case& c : cases) {
    CAPTURE(c.type);
    const auto public_key = parse_public_key_blob(c.public_blob);
    REQUIRE(public_key);
    CHECK_FALSE(unusable_key_reason(*public_key));
    CHECK(public_key->label() == (c.type.starts_with("sk-ssh") ? "ED25519-SK" : "ECDSA-SK"));
    const auto sign_u2f = [&](unsigned char flags, std::uint32_t counter, const std::string& signed_message) {
      Wire tail;
      tail.raw(std::string(1, static_cast<char>(flags))).u32(counter);
      const std::string to_sign = sha256_raw(application) + tail.bytes + sha256_raw(signed_message);
      const bool ed = c.type.starts_with("sk-ssh");
      const std::string sig = ed ? evp_sign(c.key.get(), nullptr, to_sign) : ssh_ecdsa_signature(evp_sign(c.key.get(), EVP_sha256(), to_sign));
      Wire blob;
      blob.str(c.type).str(sig).raw(tail.bytes);
      return blob.bytes;
    };
    const auto check = [&](const std::string& blob, const std::string& checked_message = message) {
      return sshsig_check(make_sshsig(*public_key, c.type, blob), checked_message);
    };
    CHECK(check(sign_u2f(0x01, 7, data)).verdict == SshsigVerdict::valid);
    CHECK(check(sign_u2f(0x05, 8, data)).verdict == SshsigVerdict::valid);  // user verified too
    const SshsigCheck untouched = check(sign_u2f(0x00, 9, data));
    CHECK(untouched.verdict == SshsigVerdict::invalid);
    CHECK(untouched.problem.find("user-presence") != std::string::npos);
    CHECK(check(sign_u2f(0x01, 7, data), message + "x").verdict == SshsigVerdict::invalid);
    // Flags and counter are signed: changing either breaks the signature.
    std::string changed_counter = sign_u2f(0x01, 7, data);
    changed_counter.back() ^= 0x01;
    CHECK(check(changed_counter).verdict == SshsigVerdict::invalid);
    std::string no_tail = sign_u2f(0x01, 7, data);
    no_tail.resize(no_tail.size() - 5);
    CHECK(check(no_tail).verdict == SshsigVerdict::unusable);
    // Another application in the key: the signature no longer matches.
    Wire other_app;
    other_app.raw(c.public_blob.substr(0, c.public_blob.size() - application.size() - 4)).str("ssh:other");
    const auto other_key = parse_public_key_blob(other_app.bytes);
    REQUIRE(other_key);
    CHECK(sshsig_check(make_sshsig(*other_key, c.type, sign_u2f(0x01, 7, data)), message).verdict == SshsigVerdict::invalid);
  }
}

TEST_CASE("keys docket refuses say why, and so does a signature made with one") {
  TempDir dir;
  // A short RSA key (ssh-keygen still makes 1024-bit ones).
  const auto short_rsa = dir / "short";
  if (run({"ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", short_rsa.string()}).status == 0) {
    const SshPublicKey key = load_public_key(short_rsa.string() + ".pub");
    const auto reason = unusable_key_reason(key);
    REQUIRE(reason);
    CHECK(reason->find("1024-bit RSA") != std::string::npos);
    ::chmod(short_rsa.c_str(), 0600);
    CHECK_THROWS_AS(load_signer(short_rsa.string()), docket::Error);
    const auto stock = run({"ssh-keygen", "-Y", "sign", "-n", "git", "-f", short_rsa.string()}, message);
    REQUIRE(stock.status == 0);
    CHECK(sshsig_check(*sshsig_parse(stock.out), message).verdict == SshsigVerdict::unusable);
  }
  // An unknown type parses (so a file can name it) but is refused.
  Wire dss;
  dss.str("ssh-dss").str("p").str("q").str("g").str("y");
  const auto opaque = parse_public_key_blob(dss.bytes);
  REQUIRE(opaque);
  CHECK(unusable_key_reason(*opaque)->find("ssh-dss") != std::string::npos);
  CHECK(opaque->label().empty());
  // An ECDSA point that is not on the curve.
  Wire off_curve;
  off_curve.str("ecdsa-sha2-nistp256").str("nistp256").str("\x04" + std::string(64, '\x01'));
  const auto bad_point = parse_public_key_blob(off_curve.bytes);
  REQUIRE(bad_point);
  CHECK(unusable_key_reason(*bad_point));
  // Wrong field shapes do not even parse.
  Wire wrong_curve;
  wrong_curve.str("ecdsa-sha2-nistp256").str("nistp384").str("\x04" + std::string(64, '\x01'));
  CHECK_FALSE(parse_public_key_blob(wrong_curve.bytes));
  Wire trailing;
  trailing.str("ssh-ed25519").str(std::string(32, 'k')).str("extra");
  CHECK_FALSE(parse_public_key_blob(trailing.bytes));
}

TEST_CASE("RSA and ECDSA PEM private keys sign in-process too") {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"},
        std::vector<std::string>{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"}}) {
    const auto pem = dir / (args[1] + ".pem");
    std::vector<std::string> command{"openssl", "genpkey"};
    command.insert(command.end(), args.begin(), args.end());
    command.insert(command.end(), {"-out", pem.string()});
    REQUIRE(run(command).status == 0);
    ::chmod(pem.c_str(), 0600);
    const auto signer = load_signer(pem.string());
    CHECK(signer->public_key().type == (args[1] == "RSA" ? "ssh-rsa" : "ecdsa-sha2-nistp384"));
    CHECK(load_public_key(pem) == signer->public_key());
    CHECK(stock_verifies(dir, signer->sign(message), message, signer->public_key()));
  }
}

TEST_CASE("one key, one spelling: numbers with extra leading zeros, and impossible RSA exponents, are refused") {
  TempDir dir;
  const auto path = dir / "rsa";
  REQUIRE(run({"ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", path.string()}).status == 0);
  const SshPublicKey key = load_public_key(path.string() + ".pub");
  // Re-spell the modulus with one more leading zero byte: the same number, other bytes.
  Wire fields;
  {
    const std::string& blob = key.blob;
    std::size_t at = 0;
    const auto next = [&] {
      const std::uint32_t size = (static_cast<unsigned char>(blob[at]) << 24) | (static_cast<unsigned char>(blob[at + 1]) << 16) |
                                 (static_cast<unsigned char>(blob[at + 2]) << 8) | static_cast<unsigned char>(blob[at + 3]);
      std::string field = blob.substr(at + 4, size);
      at += 4 + size;
      return field;
    };
    const std::string type = next(), e = next(), n = next();
    fields.str(type).str(e).str(std::string(1, '\0') + n);
    CHECK_FALSE(parse_public_key_blob(fields.bytes));
    CHECK_FALSE(parse_openssh_public_key("ssh-rsa " + base64_encode(fields.bytes)));
    // An exponent above the modulus, or an enormous one, can never verify anything.
    Wire big_e;
    big_e.str(type).str(std::string(1, '\x01') + n).str(n);
    const auto e_above_n = parse_public_key_blob(big_e.bytes);
    REQUIRE(e_above_n);
    CHECK(unusable_key_reason(*e_above_n));
    Wire huge_e;
    huge_e.str(type).str("\x01" + std::string(40, '\0') + "\x01").str(n);
    const auto huge = parse_public_key_blob(huge_e.bytes);
    REQUIRE(huge);
    CHECK(unusable_key_reason(*huge));
  }
  // An ECDSA signature whose r has a needless leading zero is another spelling of the same
  // signature (another commit id): refused.
  const auto ec = dir / "ec";
  REQUIRE(run({"ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", ec.string()}).status == 0);
  const auto signature = sshsig_parse(load_signer(ec.string())->sign(message));
  REQUIRE(signature);
  Wire respelled;
  {
    const std::string& blob = signature->signature_blob;
    // string(type) string(inner = mpint r, mpint s)
    const std::size_t type_size = (static_cast<unsigned char>(blob[2]) << 8) | static_cast<unsigned char>(blob[3]);
    const std::string inner = blob.substr(4 + type_size + 4);
    const std::size_t r_size = (static_cast<unsigned char>(inner[2]) << 8) | static_cast<unsigned char>(inner[3]);
    const std::string r = inner.substr(4, r_size), rest = inner.substr(4 + r_size);
    Wire new_inner;
    new_inner.str(std::string(1, '\0') + (static_cast<unsigned char>(r[0]) & 0x80 ? std::string(1, '\0') : std::string()) + r)
        .raw(rest);
    respelled.str(signature->sig_type).str(new_inner.bytes);
  }
  SshSignature changed = *signature;
  changed.signature_blob = respelled.bytes;
  CHECK(sshsig_check(changed, message).verdict == SshsigVerdict::unusable);
  CHECK(sshsig_check(*signature, message).verdict == SshsigVerdict::valid);
}
