#include "docket/core/secrets.hpp"

#include <array>
#include <cstdint>

namespace docket {
namespace {

// A match needs at most this many bytes (prefix + minimum tail, 71 for the longest pattern),
// so a match that starts this far back from a chunk's end was already judged in full; the
// byte before it is kept too, to judge whether it is glued to a preceding word.
constexpr std::size_t kCarry = 129;

bool is_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }

// Counts characters satisfying `pred` from `pos`.
template <typename Pred>
std::size_t run_length(std::string_view s, std::size_t pos, Pred pred) {
  std::size_t n = 0;
  while (pos + n < s.size() && pred(s[pos + n])) ++n;
  return n;
}

struct Pattern {
  std::string_view prefix;
  std::string_view kind;
  std::size_t min_tail;  // characters of the token alphabet that must follow the prefix
  bool (*tail_char)(char);
};

constexpr std::array<Pattern, 14> kPatterns{{
    {"-----BEGIN OPENSSH PRIVATE KEY-----", "private key", 0, nullptr},
    {"-----BEGIN RSA PRIVATE KEY-----", "private key", 0, nullptr},
    {"-----BEGIN EC PRIVATE KEY-----", "private key", 0, nullptr},
    {"-----BEGIN DSA PRIVATE KEY-----", "private key", 0, nullptr},
    {"-----BEGIN PRIVATE KEY-----", "private key", 0, nullptr},
    {"-----BEGIN ENCRYPTED PRIVATE KEY-----", "private key", 0, nullptr},
    {"AKIA", "AWS access key id", 16, is_upper_alnum},
    {"ASIA", "AWS temporary access key id", 16, is_upper_alnum},
    {"ghp_", "GitHub token", 36, is_alnum},
    {"gho_", "GitHub OAuth token", 36, is_alnum},
    {"ghs_", "GitHub app token", 36, is_alnum},
    {"github_pat_", "GitHub fine-grained token", 60, is_token_char},
    {"glpat-", "GitLab token", 20, is_token_char},
    {"xoxb-", "Slack token", 20, is_token_char},
}};

constexpr std::array<Pattern, 4> kMorePatterns{{
    {"xoxp-", "Slack token", 20, is_token_char},
    {"sk_live_", "Stripe secret key", 24, is_alnum},
    {"AIza", "Google API key", 35, is_token_char},
    {"npm_", "npm token", 36, is_alnum},
}};

}  // namespace

void SecretScanner::scan(std::string_view window, std::uint64_t window_offset, bool continued) {
  auto try_patterns = [&](const auto& patterns) {
    for (const auto& p : patterns) {
      for (std::size_t pos = window.find(p.prefix); pos != std::string_view::npos;
           pos = window.find(p.prefix, pos + 1)) {
        // A token glued to a preceding word character is part of some other identifier.
        if (p.tail_char && pos > 0 && is_alnum(window[pos - 1])) continue;
        // At the start of a continued window the preceding byte is gone; that match was
        // already judged with it in the previous window.
        if (continued && pos == 0) continue;
        const std::size_t tail = p.tail_char ? run_length(window, pos + p.prefix.size(), p.tail_char) : 0;
        if (tail >= p.min_tail) {
          const std::uint64_t at = window_offset + pos;
          if (!finding_ || at < finding_->offset) finding_ = SecretFinding{std::string(p.kind), at};
          break;
        }
      }
    }
  };
  try_patterns(kPatterns);
  try_patterns(kMorePatterns);
}

void SecretScanner::feed(std::string_view chunk) {
  if (finding_) return;
  std::string window = carry_;
  window.append(chunk);
  const std::uint64_t window_offset = consumed_ - carry_.size();
  scan(window, window_offset, !carry_.empty());
  consumed_ += chunk.size();
  carry_ = window.size() > kCarry ? window.substr(window.size() - kCarry) : window;
}

std::optional<SecretFinding> find_secret(std::string_view text) {
  SecretScanner s;
  s.feed(text);
  return s.finding();
}

}  // namespace docket
