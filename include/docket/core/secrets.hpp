#pragma once
// Recognizes text that looks like a live secret, so evidence and scanner output never put one
// into the store in clear. Streaming: content may be fed in chunks of any size; a match that
// straddles two chunks is still found.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace docket {

struct SecretFinding {
  std::string kind;  // e.g. "private key", "AWS access key id", "GitHub token"
  std::uint64_t offset = 0;  // byte offset of the match in the whole stream
};

// Usage: feed() each chunk in order, then finish() at the end of the stream, then finding().
// The rules, each described in words, are in src/core/secrets.cpp. A candidate is judged once
// the scanner has seen all the text its rule reads (or the stream has ended), so the result
// does not depend on where the chunks are cut. Memory: a carried tail of about 2.3 KiB.
class SecretScanner {
public:
  void feed(std::string_view chunk);
  // Ends the stream: judges what the last chunk left open. feed() after finish() is ignored.
  void finish();
  // The first finding (lowest offset among those judged), if any; complete after finish().
  const std::optional<SecretFinding>& finding() const { return finding_; }

  ~SecretScanner();
  SecretScanner();
  SecretScanner(const SecretScanner&) = delete;
  SecretScanner& operator=(const SecretScanner&) = delete;

private:
  // Text that starts with a UTF-16 byte-order mark (Windows tools' logs and exports) is
  // decoded to UTF-8 with iconv(3) before it is scanned; offsets then count decoded bytes.
  void feed_decoded(std::string_view chunk);
  void feed_raw(std::string_view chunk);
  struct Utf16;
  std::unique_ptr<Utf16> utf16_;
  bool started_ = false;  // the first bytes (a possible byte-order mark) have been seen
  std::string head_;      // the first byte, while a byte-order mark may still be arriving
  // Judges the rules' candidates in `window` (which starts at `window_offset` in the stream):
  // those not judged in the previous window (its last `judged_before` bytes begin this one),
  // and, unless `final`, only those whose whole reach the window holds.
  void scan(std::string_view window, std::uint64_t window_offset, std::size_t judged_before, bool final);
  std::string carry_;  // tail of the previous window, so matches across chunk edges are seen
  std::uint64_t consumed_ = 0;
  std::optional<SecretFinding> finding_;
  bool finished_ = false;
};

// Convenience for a whole text.
std::optional<SecretFinding> find_secret(std::string_view text);

}  // namespace docket
