#include "docket/core/secrets.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>

namespace docket {
namespace {

// How far a rule looks past the start of its anchor (at most kLookAhead bytes after the anchor)
// and before it (at most kLookBehind bytes: a JWT's header, found back from the `.eyJ` between
// header and payload). A candidate is judged only once the window holds its whole look-ahead,
// or the stream has ended (finish()); until then it stays in the carried tail of the window.
// The carry is the look-behind, the look-ahead and the longest anchor: constant memory, and a
// secret cut by a chunk edge is judged exactly as in one piece.
constexpr std::size_t kLookAhead = 256;
constexpr std::size_t kLookBehind = 2048;
constexpr std::size_t kLongestAnchor = 64;
constexpr std::size_t kCarry = kLookBehind + kLookAhead + kLongestAnchor;

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

// What a rule sees: the window and where its anchor is.
struct Site {
  std::string_view text;
  std::size_t pos;     // start of the anchor
  std::size_t after;   // first byte after the anchor
  mutable std::size_t start = pos;  // where the secret starts, when a rule finds it before `pos`
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
// anchor + at least N characters of one alphabet, wherever it stands: the anchor is distinctive
// enough (`ghp_`, `glpat-`, `xoxb-`) that a word before it does not make it another string, and a
// token pasted after `token%3D` or glued to text is still a token.
template <std::size_t N, bool (*Pred)(char)>
bool prefixed_token(const Site& s) {
  return s.run(s.after, Pred) >= N;
}
bool always(const Site&) { return true; }

// A value of one or two different characters is a placeholder (`xxxx…`, `0000…`, `XXXX…`), as
// in vendors' documentation, not a secret.
bool varied(std::string_view value) {
  std::array<bool, 256> seen{};
  std::size_t distinct = 0;
  for (const char c : value)
    if (!seen[static_cast<unsigned char>(c)]) {
      seen[static_cast<unsigned char>(c)] = true;
      if (++distinct >= 3) return true;
    }
  return false;
}

// AWS secret access key without its key id: 40 characters of base64 right after a name that
// says what it is (aws_secret_access_key, SecretAccessKey, aws_secret_key …), past `"`, `'`,
// `:`, `=` and blanks.
// The value AWS's documentation uses in its examples (wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)
// ends in EXAMPLEKEY, as scanners' allow-lists know: not a secret.
bool aws_secret_value(const Site& s) {
  std::size_t i = s.after;
  // The rest of the name: letters and underscores (e.g. `_access_key`, `AccessKey`).
  i += s.run(i, [](char c) { return is_alnum(c) || c == '_' || c == '-'; }, 24);
  // Separators: quotes, `:`, `=`, `=>`, blanks and line breaks (a command line's
  // `--aws-secret-access-key VALUE`, Ruby's `=>`, YAML's value on the next line).
  const std::size_t separators = s.run(i, [](char c) {
    return c == '"' || c == '\'' || c == ':' || c == '=' || c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }, 16);
  if (separators == 0) return false;
  i += separators;
  return s.run(i, is_base64_char, 41) == 40 && s.text.substr(i + 30, 10) != "EXAMPLEKEY" && varied(s.text.substr(i, 40));
}

// AWS access key id: the prefix and exactly 16 upper-case letters and digits; the ids in AWS's
// documentation (AKIAIOSFODNN7EXAMPLE) end in EXAMPLE and are not secrets.
bool aws_key_id(const Site& s) {
  return exact_token_after<16, is_upper_alnum>(s) && s.text.substr(s.after + 9, 7) != "EXAMPLE";
}

// Slack incoming webhook, workflow and trigger URLs: hooks.slack.com/services/T…/B…/<secret>,
// …/workflows/T…/A…/<digits>/<secret>, …/triggers/T…/<digits>/<secret>: a workspace id (T…),
// then path segments of letters and digits, the last one a secret of 20 or more.
bool slack_webhook(const Site& s) {
  std::size_t i = s.after;
  if (!s.at(i, 'T')) return false;
  std::size_t segments = 0, last = 0;
  while (segments < 5) {
    last = s.run(i, is_alnum, 48);
    if (last == 0) return false;
    ++segments;
    i += last;
    if (!s.at(i, '/')) break;
    ++i;
  }
  return segments >= 3 && last >= 20 && varied(s.text.substr(i - last, last));
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

// JWT: a base64url JSON header (`eyJ…`), a dot, a base64url JSON payload (`eyJ…`): a signed or
// unsigned bearer token; its first two segments are enough to know it. Found by the `.eyJ`
// between them and read back to the header's start, so a long header (a certificate chain in
// `x5c`) is found too; a header longer than the look-behind counts when the run of base64url
// before `.eyJ` fills it.
bool jwt(const Site& s) {
  if (s.run(s.after, is_token_char, 8) < 8) return false;
  std::size_t header = 0;
  while (header < kLookBehind && header < s.pos && is_token_char(s.text[s.pos - header - 1])) ++header;
  if (header < 10) return false;
  const std::size_t begin = s.pos - header;
  if (header < kLookBehind && s.text.substr(begin, 3) != "eyJ") return false;
  s.start = begin;
  return true;
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
    {"AKIA", "AWS access key id", aws_key_id},
    {"ASIA", "AWS temporary access key id", aws_key_id},
    // AWS secret access keys, found by the name in front of them.
    {"aws_secret", "AWS secret access key", aws_secret_value},
    {"AWS_SECRET", "AWS secret access key", aws_secret_value},
    {"SecretAccessKey", "AWS secret access key", aws_secret_value},
    {"secretAccessKey", "AWS secret access key", aws_secret_value},
    {"secret_access_key", "AWS secret access key", aws_secret_value},
    {"secret-access-key", "AWS secret access key", aws_secret_value},
    // The same shape under the shorter names SDKs and tools use (AWSSecretKey, SECRET_KEY, …).
    {"SecretKey", "AWS secret access key", aws_secret_value},
    {"secretKey", "AWS secret access key", aws_secret_value},
    {"SECRET_KEY", "AWS secret access key", aws_secret_value},
    {"secret_key", "AWS secret access key", aws_secret_value},
    // Google Cloud: API keys (AIza + 35), OAuth client secrets (GOCSPX- + 28).
    {"AIza", "Google API key", token_after<35, is_token_char>},
    {"GOCSPX-", "Google OAuth client secret", prefixed_token<28, is_token_char>},
    // Azure: storage account keys, Entra ID client secrets.
    {"AccountKey=", "Azure storage account key", azure_account_key},
    {"Q~", "Azure client secret", azure_client_secret, 4},
    // GitHub tokens: classic personal (ghp_), OAuth (gho_), user-to-server (ghu_), app (ghs_),
    // refresh (ghr_) with 36 characters; fine-grained (github_pat_) with 82.
    {"ghp_", "GitHub token", prefixed_token<36, is_alnum>},
    {"gho_", "GitHub OAuth token", prefixed_token<36, is_alnum>},
    {"ghu_", "GitHub user token", prefixed_token<36, is_alnum>},
    {"ghs_", "GitHub app token", prefixed_token<36, is_alnum>},
    {"ghr_", "GitHub refresh token", prefixed_token<36, is_alnum>},
    {"github_pat_", "GitHub fine-grained token", prefixed_token<60, is_token_char>},
    // GitLab tokens by their documented prefixes, 20 characters or more: personal, project and
    // group (glpat-), deploy (gldt-), runner authentication (glrt-) and registration
    // (GR1348941), pipeline trigger (glptt-), CI/CD job (glcbt-), incoming mail (glimt-), feed
    // (glft-), OAuth application secret (gloas-), SCIM (glsoat-) and agent (glagent-) tokens.
    {"glpat-", "GitLab token", prefixed_token<20, is_token_char>},
    {"gldt-", "GitLab deploy token", prefixed_token<20, is_token_char>},
    {"glrt-", "GitLab runner token", prefixed_token<20, is_token_char>},
    {"GR1348941", "GitLab runner registration token", prefixed_token<20, is_token_char>},
    {"glptt-", "GitLab pipeline trigger token", prefixed_token<20, is_token_char>},
    {"glcbt-", "GitLab CI/CD job token", prefixed_token<20, is_token_char>},
    {"glimt-", "GitLab incoming mail token", prefixed_token<20, is_token_char>},
    {"glft-", "GitLab feed token", prefixed_token<20, is_token_char>},
    {"gloas-", "GitLab OAuth application secret", prefixed_token<20, is_token_char>},
    {"glsoat-", "GitLab SCIM token", prefixed_token<20, is_token_char>},
    {"glagent-", "GitLab agent token", prefixed_token<20, is_token_char>},
    {"glffct-", "GitLab feature flag client token", prefixed_token<20, is_token_char>},
    // Slack bot, user, app-level, refresh and config tokens, the legacy workspace-app (xoxa-),
    // refresh (xoxr-) and session (xoxs-) tokens, and webhook, workflow and trigger URLs.
    {"xoxb-", "Slack token", prefixed_token<20, is_token_char>},
    {"xoxp-", "Slack token", prefixed_token<20, is_token_char>},
    {"xapp-", "Slack app token", prefixed_token<20, is_token_char>},
    {"xoxe-", "Slack token", prefixed_token<20, is_token_char>},
    {"xoxa-", "Slack token", prefixed_token<20, is_token_char>},
    {"xoxr-", "Slack token", prefixed_token<20, is_token_char>},
    {"xoxs-", "Slack token", prefixed_token<20, is_token_char>},
    {"hooks.slack.com/services/", "Slack webhook", slack_webhook},
    {"hooks.slack.com/workflows/", "Slack workflow webhook", slack_webhook},
    {"hooks.slack.com/triggers/", "Slack workflow trigger", slack_webhook},
    // Host names are case-insensitive: the same URLs with the host in capitals.
    {"HOOKS.SLACK.COM/services/", "Slack webhook", slack_webhook},
    {"HOOKS.SLACK.COM/workflows/", "Slack workflow webhook", slack_webhook},
    {"HOOKS.SLACK.COM/triggers/", "Slack workflow trigger", slack_webhook},
    // Stripe live secret (sk_live_) and restricted (rk_live_) keys; test keys are not secrets.
    {"sk_live_", "Stripe secret key", prefixed_token<24, is_alnum>},
    {"rk_live_", "Stripe restricted key", prefixed_token<24, is_alnum>},
    // Twilio API key, SendGrid API key, npm and PyPI tokens.
    {"SK", "Twilio API key", twilio_key},
    {"SG.", "SendGrid API key", sendgrid},
    {"npm_", "npm token", exact_token_after<36, is_alnum>},
    // An .npmrc registry credential: `//registry…/:_authToken=<token>` (not `${NPM_TOKEN}`).
    {":_authToken=", "npm registry token", prefixed_token<20, is_token_char>},
    {"pypi-AgEIcHlwaS5vcmc", "PyPI token", prefixed_token<50, is_token_char>},
};

// Rules whose anchor is a common substring (webhooks, JWTs) are kept apart for reading.
constexpr Rule kMoreRules[] = {
    {"discord.com/api/webhooks/", "Discord webhook", discord_webhook},
    {"discordapp.com/api/webhooks/", "Discord webhook", discord_webhook},
    {".webhook.office.com/webhookb2/", "Microsoft Teams webhook", teams_webhook},
    {".eyJ", "JWT", jwt},
};

}  // namespace

void SecretScanner::scan(std::string_view window, std::uint64_t window_offset, std::size_t judged_before, bool final) {
  auto try_rules = [&](const auto& rules) {
    for (const auto& rule : rules) {
      const std::size_t reach = rule.anchor.size() + kLookAhead;  // what a rule reads from its anchor
      // A candidate whose whole reach lay in the previous window was judged there.
      const std::size_t from = judged_before > reach ? judged_before - reach + 1 : 0;
      for (std::size_t pos = window.find(rule.anchor, from); pos != std::string_view::npos;
           pos = window.find(rule.anchor, pos + 1)) {
        // Not all of its reach is here yet: judged in the next window, or by finish().
        if (!final && window.size() - pos < reach) break;
        const Site site{window, pos, pos + rule.anchor.size()};
        if (!rule.matches(site)) continue;
        const std::uint64_t at = window_offset + std::min(site.start, pos - rule.starts_before);
        if (!finding_ || at < finding_->offset) finding_ = SecretFinding{std::string(rule.kind), at};
        break;
      }
    }
  };
  try_rules(kRules);
  try_rules(kMoreRules);
}

struct SecretScanner::Utf16 {
  iconv_t cd;
  std::string pending;  // bytes of a character cut by the chunk edge
  explicit Utf16(const char* from) : cd(::iconv_open("UTF-8", from)) {}
  ~Utf16() {
    if (cd != reinterpret_cast<iconv_t>(-1)) ::iconv_close(cd);
  }
  Utf16(const Utf16&) = delete;
  Utf16& operator=(const Utf16&) = delete;
};

SecretScanner::SecretScanner() = default;
SecretScanner::~SecretScanner() = default;

void SecretScanner::feed(std::string_view chunk) {
  if (finding_ || finished_) return;
  if (!started_) {
    // A byte-order mark is two bytes: the first ones are held until two have arrived.
    head_.append(chunk);
    if (head_.size() < 2) return;
    started_ = true;
    const bool le = head_[0] == '\xFF' && head_[1] == '\xFE';
    const bool be = head_[0] == '\xFE' && head_[1] == '\xFF';
    if (le || be) {
      // iconv's "UTF-16" reads the byte-order mark itself and decodes accordingly.
      utf16_ = std::make_unique<Utf16>("UTF-16");
      if (utf16_->cd == reinterpret_cast<iconv_t>(-1)) utf16_.reset();
    }
    const std::string first = std::move(head_);
    head_.clear();
    utf16_ ? feed_decoded(first) : feed_raw(first);
    return;
  }
  utf16_ ? feed_decoded(chunk) : feed_raw(chunk);
}

void SecretScanner::feed_decoded(std::string_view chunk) {
  std::string in = utf16_->pending;
  in.append(chunk);
  utf16_->pending.clear();
  std::string out(in.size() * 2 + 16, '\0');
  char* src = in.data();
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  while (src_left > 0) {
    if (::iconv(utf16_->cd, &src, &src_left, &dst, &dst_left) != static_cast<std::size_t>(-1)) break;
    if (errno == EINVAL) {  // a character cut by the chunk edge: kept for the next chunk
      utf16_->pending.assign(src, src_left);
      break;
    }
    if (errno == EILSEQ) {  // not UTF-16 after all (an unpaired surrogate): skip two bytes
      const std::size_t skip = std::min<std::size_t>(2, src_left);
      src += skip;
      src_left -= skip;
      continue;
    }
    break;  // E2BIG cannot happen: UTF-8 needs at most 3 bytes per 2 of UTF-16
  }
  out.resize(out.size() - dst_left);
  feed_raw(out);
}

void SecretScanner::feed_raw(std::string_view chunk) {
  if (finding_) return;
  std::string window = carry_;
  window.append(chunk);
  const std::uint64_t window_offset = consumed_ - carry_.size();
  scan(window, window_offset, carry_.size(), false);
  consumed_ += chunk.size();
  carry_ = window.size() > kCarry ? window.substr(window.size() - kCarry) : window;
}

void SecretScanner::finish() {
  if (finished_) return;
  if (!started_) {
    started_ = true;
    feed_raw(head_);
    head_.clear();
  }
  finished_ = true;
  if (!finding_) scan(carry_, consumed_ - carry_.size(), carry_.size(), true);
  carry_.clear();
}

std::optional<SecretFinding> find_secret(std::string_view text) {
  SecretScanner s;
  s.feed(text);
  s.finish();
  return s.finding();
}

}  // namespace docket
