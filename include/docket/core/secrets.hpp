#pragma once
// Recognizes text that looks like a live secret, so evidence and scanner output never put one
// into the store in clear. Streaming: content may be fed in chunks of any size; a match that
// straddles two chunks is still found.

#include <optional>
#include <string>
#include <string_view>

namespace docket {

struct SecretFinding {
  std::string kind;  // e.g. "private key", "AWS access key id", "GitHub token"
  std::uint64_t offset = 0;  // byte offset of the match in the whole stream
};

class SecretScanner {
public:
  void feed(std::string_view chunk);
  // The first finding so far, if any.
  const std::optional<SecretFinding>& finding() const { return finding_; }

private:
  void scan(std::string_view window, std::uint64_t window_offset, bool continued);
  std::string carry_;  // tail of the previous chunk, so matches across chunk edges are seen
  std::uint64_t consumed_ = 0;
  std::optional<SecretFinding> finding_;
};

// Convenience for a whole text.
std::optional<SecretFinding> find_secret(std::string_view text);

}  // namespace docket
