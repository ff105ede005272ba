#include "docket/core/secrets.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace docket {
namespace {

// The longest text any rule looks at from the start of its anchor (a JWT's two first segments:
// 3 + 200 + 1 + 3 + 8 bytes, plus the byte before the anchor). A match that starts this far back
// from a chunk's end was already judged in full, so the scan keeps only this much of the
// previous chunk: constant memory, and a secret cut by a chunk edge is still found.
constexpr std::size_t kLookAhead = 256;
constexpr std::size_t kCarry = kLookAhead + 1;

bool is_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_base64_char(char c) { return is_alnum(c) || c == '+' || c == '/'; }
bool is_hex_lower(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_azure_secret_char(char c) { return is_alnum(c) || c == '_' || c == '~' || c == '.' || c == '-'; }

// Counts characters satisfying `pred` from `pos`, up to `limit`.
template <typename Pred>
std::size_t run_length(std::string_view s, std::size_t pos, Pred pred, std::size_t limit = kLookAhead) {
  std::size_t n = 0;
  while (pos + n < s.size() && n < limit && pred(s[pos + n])) ++n;
  return n;
}

// What a rule sees: the window, where its anchor starts, and whether the window continues.
struct Site {
  std::string_view text;
  std::size_t pos;     // start of the anchor
  std::size_t after;   // first byte after the anchor
  // The byte before the anchor is a word character: the anchor is the middle of another word.
  bool glued() const { return pos > 0 && is_alnum(text[pos - 1]); }
  std::size_t run(std::size_t from, bool (*pred)(char), std::size_t limit = kLookAhead) const {
    return run_length(text, from, pred, limit);
  }
  bool at(std::size_t i, char c) const { return i < text.size() && text[i] == c; }
};

// A rule: the literal it is found by, the kind of secret it names, and what must surround the
// literal. Each rule is described in words, as scanners' default rule sets describe theirs.
struct Rule {
  std::string_view anchor;
  std::string_view kind;
  bool (*matches)(const Site&);
  std::size_t starts_before = 0;  // the secret starts this many bytes before its anchor
};

// anchor + at least N characters of one alphabet, not glued to a preceding word.
template <std::size_t N, bool (*Pred)(char)>
bool token_after(const Site& s) {
  return !s.glued() && s.run(s.after, Pred) >= N;
}
// anchor + exactly N characters of one alphabet (a longer run is some other string).
template <std::size_t N, bool (*Pred)(char)>
bool exact_token_after(const Site& s) {
  return !s.glued() && s.run(s.after, Pred, N + 1) == N;
}
bool always(const Site&) { return true; }

// AWS secret access key without its key id: 40 characters of base64 right after a name that
// says what it is (aws_secret_access_key, SecretAccessKey, aws_secret_key …), past `"`, `'`,
// `:`, `=` and blanks.
bool aws_secret_value(const Site& s) {
  std::size_t i = s.after;
  // The rest of the name: letters and underscores (e.g. `_access_key`, `AccessKey`).
  i += s.run(i, [](char c) { return is_alnum(c) || c == '_' || c == '-'; }, 24);
  const std::size_t separators = s.run(i, [](char c) { return c == '"' || c == '\'' || c == ':' || c == '=' || c == ' ' || c == '\t'; }, 6);
  if (separators == 0) return false;
  i += separators;
  return s.run(i, is_base64_char, 41) == 40;
}

// Slack incoming webhook: hooks.slack.com/services/T…/B…/<secret>.
bool slack_webhook(const Site& s) {
  std::size_t i = s.after;
  if (!s.at(i, 'T')) return false;
  i += s.run(i, is_upper_alnum, 16);
  if (!s.at(i, '/') || !s.at(i + 1, 'B')) return false;
  i += 1 + s.run(i + 1, is_upper_alnum, 16);
  if (!s.at(i, '/')) return false;
  return s.run(i + 1, is_alnum, 40) >= 20;
}

// Discord webhook: discord(app).com/api/webhooks/<digits>/<token of 60+ characters>.
bool discord_webhook(const Site& s) {
  const std::size_t digits = s.run(s.after, is_digit, 24);
  if (digits < 15 || !s.at(s.after + digits, '/')) return false;
  return s.run(s.after + digits + 1, is_token_char, 80) >= 60;
}

// Microsoft Teams incoming webhook: <tenant>.webhook.office.com/webhookb2/<guid>@<guid>/IncomingWebhook/<secret>/<guid>.
bool teams_webhook(const Site& s) {
  const std::size_t id = s.run(s.after, [](char c) { return is_hex_lower(c) || c == '-' || c == '@'; }, 80);
  return id >= 36 && s.at(s.after + id, '/');
}

// JWT: base64url JSON header (`eyJ`), a dot, a base64url JSON payload (`eyJ`): a signed or
// unsigned bearer token; its first two segments are enough to know it.
bool jwt(const Site& s) {
  if (s.glued()) return false;
  const std::size_t header = s.run(s.after, is_token_char, 200);
  if (header < 8 || header == 200) return false;
  const std::size_t dot = s.after + header;
  if (!s.at(dot, '.') || s.text.substr(dot + 1, 3) != "eyJ") return false;
  return s.run(dot + 4, is_token_char, 8) >= 8;
}

// SendGrid API key: SG.<22 characters>.<43 characters>.
bool sendgrid(const Site& s) {
  if (s.glued()) return false;
  const std::size_t first = s.run(s.after, is_token_char, 23);
  return first == 22 && s.at(s.after + 22, '.') && s.run(s.after + 23, is_token_char, 44) == 43;
}

// Twilio API key secret id: SK + 32 lowercase hex, not part of a longer word.
bool twilio_key(const Site& s) {
  return !s.glued() && s.run(s.after, is_hex_lower, 33) == 32 && !is_alnum(s.text.size() > s.after + 32 ? s.text[s.after + 32] : ' ');
}

// Azure storage account key in a connection string: AccountKey=<86 base64 characters>==.
bool azure_account_key(const Site& s) {
  return s.run(s.after, is_base64_char, 90) == 86 && s.at(s.after + 86, '=') && s.at(s.after + 87, '=');
}

// Azure AD (Entra ID) client secret: 3 characters, a digit, `Q~`, then 31 to 34 characters.
bool azure_client_secret(const Site& s) {
  if (s.pos < 4) return false;
  const std::string_view before = s.text.substr(s.pos - 4, 4);
  if (!std::all_of(before.begin(), before.begin() + 3, is_azure_secret_char) || !is_digit(before[3])) return false;
  if (s.pos > 4 && is_azure_secret_char(s.text[s.pos - 5])) return false;
  const std::size_t rest = s.run(s.after, is_azure_secret_char, 36);
  return rest >= 31 && rest <= 34;
}

constexpr Rule kRules[] = {
    // Private keys, whatever follows the armor line (PEM, OpenSSH, PKCS#8, also with CRLF).
    {"-----BEGIN OPENSSH PRIVATE KEY-----", "private key", always},
    {"-----BEGIN RSA PRIVATE KEY-----", "private key", always},
    {"-----BEGIN EC PRIVATE KEY-----", "private key", always},
    {"-----BEGIN DSA PRIVATE KEY-----", "private key", always},
    {"-----BEGIN PRIVATE KEY-----", "private key", always},
    {"-----BEGIN ENCRYPTED PRIVATE KEY-----", "private key", always},
    {"-----BEGIN PGP PRIVATE KEY BLOCK-----", "private key", always},
    // AWS access key ids: the long-term (AKIA) and temporary (ASIA) prefixes and 16 characters.
    {"AKIA", "AWS access key id", exact_token_after<16, is_upper_alnum>},
    {"ASIA", "AWS temporary access key id", exact_token_after<16, is_upper_alnum>},
    // AWS secret access keys, found by the name in front of them.
    {"aws_secret", "AWS secret access key", aws_secret_value},
    {"AWS_SECRET", "AWS secret access key", aws_secret_value},
    {"SecretAccessKey", "AWS secret access key", aws_secret_value},
    {"secret_access_key", "AWS secret access key", aws_secret_value},
    // Google Cloud: API keys (AIza + 35), OAuth client secrets (GOCSPX- + 28).
    {"AIza", "Google API key", token_after<35, is_token_char>},
    {"GOCSPX-", "Google OAuth client secret", token_after<28, is_token_char>},
    // Azure: storage account keys, Entra ID client secrets.
    {"AccountKey=", "Azure storage account key", azure_account_key},
    {"Q~", "Azure client secret", azure_client_secret, 4},
    // GitHub tokens: classic personal (ghp_), OAuth (gho_), user-to-server (ghu_), app (ghs_),
    // refresh (ghr_) with 36 characters; fine-grained (github_pat_) with 82.
    {"ghp_", "GitHub token", token_after<36, is_alnum>},
    {"gho_", "GitHub OAuth token", token_after<36, is_alnum>},
    {"ghu_", "GitHub user token", token_after<36, is_alnum>},
    {"ghs_", "GitHub app token", token_after<36, is_alnum>},
    {"ghr_", "GitHub refresh token", token_after<36, is_alnum>},
    {"github_pat_", "GitHub fine-grained token", token_after<60, is_token_char>},
    // GitLab personal/project (glpat-), deploy (gldt-) and runner (glrt-) tokens: 20 characters.
    {"glpat-", "GitLab token", token_after<20, is_token_char>},
    {"gldt-", "GitLab deploy token", token_after<20, is_token_char>},
    {"glrt-", "GitLab runner token", token_after<20, is_token_char>},
    // Slack bot, user, app-level, refresh and config tokens, and incoming webhooks.
    {"xoxb-", "Slack token", token_after<20, is_token_char>},
    {"xoxp-", "Slack token", token_after<20, is_token_char>},
    {"xapp-", "Slack app token", token_after<20, is_token_char>},
    {"xoxe-", "Slack token", token_after<20, is_token_char>},
    {"hooks.slack.com/services/", "Slack webhook", slack_webhook},
    // Stripe live secret (sk_live_) and restricted (rk_live_) keys; test keys are not secrets.
    {"sk_live_", "Stripe secret key", token_after<24, is_alnum>},
    {"rk_live_", "Stripe restricted key", token_after<24, is_alnum>},
    // Twilio API key, SendGrid API key, npm and PyPI tokens.
    {"SK", "Twilio API key", twilio_key},
    {"SG.", "SendGrid API key", sendgrid},
    {"npm_", "npm token", exact_token_after<36, is_alnum>},
    {"pypi-AgEIcHlwaS5vcmc", "PyPI token", token_after<50, is_token_char>},
};

// Rules whose anchor is a common substring (webhooks, JWTs) are kept apart for reading.
constexpr Rule kMoreRules[] = {
    {"discord.com/api/webhooks/", "Discord webhook", discord_webhook},
    {"discordapp.com/api/webhooks/", "Discord webhook", discord_webhook},
    {".webhook.office.com/webhookb2/", "Microsoft Teams webhook", teams_webhook},
    {"eyJ", "JWT", jwt},
};

}  // namespace

void SecretScanner::scan(std::string_view window, std::uint64_t window_offset, bool continued) {
  // In a continued window, a match starting in the carried bytes (other than the last
  // kLookAhead) was already judged in the previous window with all it needed.
  const std::size_t first_new = continued ? std::min<std::size_t>(window.size(), 1) : 0;
  auto try_rules = [&](const auto& rules) {
    for (const auto& rule : rules) {
      for (std::size_t pos = window.find(rule.anchor, first_new); pos != std::string_view::npos;
           pos = window.find(rule.anchor, pos + 1)) {
        if (!rule.matches(Site{window, pos, pos + rule.anchor.size()})) continue;
        const std::uint64_t at = window_offset + pos - rule.starts_before;
        if (!finding_ || at < finding_->offset) finding_ = SecretFinding{std::string(rule.kind), at};
        break;
      }
    }
  };
  try_rules(kRules);
  try_rules(kMoreRules);
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
