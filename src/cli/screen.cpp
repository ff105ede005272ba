#include "screen.hpp"

#include <fcntl.h>
#include <locale.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>
#include <wordexp.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <vector>

#include "docket/core/display.hpp"
#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

extern char** environ;

namespace docket::cli {
namespace {

constexpr std::array<std::string_view, 10> kSgr{
    "",           // none
    "\x1b[1m",    // bold
    "\x1b[2m",    // dim
    "\x1b[31m",   // red
    "\x1b[1;31m", // bold_red
    "\x1b[32m",   // green
    "\x1b[33m",   // yellow
    "\x1b[34m",   // blue
    "\x1b[35m",   // magenta
    "\x1b[36m",   // cyan
};

const char* env_value(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

bool colour_for(int fd, ColorMode mode) {
  if (mode == ColorMode::always) return true;
  if (mode == ColorMode::never) return false;
  if (env_value("NO_COLOR")) return false;
  if (const char* force = env_value("CLICOLOR_FORCE"); force && std::strcmp(force, "0") != 0) return true;
  const char* term = std::getenv("TERM");
  return isatty(fd) == 1 && !(term && std::strcmp(term, "dumb") == 0);
}

// The locale wcwidth(3) needs, made once (C.UTF-8 is built into glibc 2.35 and later).
locale_t utf8_locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

// The columns of the UTF-8 character at the start of `text` and its length in bytes.
std::pair<std::size_t, std::size_t> next_char(std::string_view text, locale_t locale) {
  if (static_cast<unsigned char>(text[0]) < 0x80 || !locale) return {1, 1};
  std::mbstate_t state{};
  wchar_t wc = 0;
  const locale_t previous = uselocale(locale);
  const std::size_t n = std::mbrtowc(&wc, text.data(), text.size(), &state);
  std::size_t columns = 1, length = 1;
  if (n != static_cast<std::size_t>(-1) && n != static_cast<std::size_t>(-2) && n != 0) {
    const int w = wcwidth(wc);
    columns = w < 0 ? 1 : static_cast<std::size_t>(w);
    length = n;
  }
  uselocale(previous);
  return {columns, length};
}

// `t`'s civil time in the local zone, or UTC, and the offset in seconds east of UTC.
struct Civil {
  std::tm tm{};
  long offset = 0;
};
Civil civil(Timestamp t, bool local) {
  Civil c;
  const std::time_t secs = static_cast<std::time_t>(t.seconds);
  if (local && localtime_r(&secs, &c.tm)) {
    c.offset = c.tm.tm_gmtoff;
    return c;
  }
  gmtime_r(&secs, &c.tm);
  return c;
}

}  // namespace

std::string_view sgr(Style s) { return kSgr[static_cast<std::size_t>(s)]; }

bool starts_with_sgr(std::string_view text, std::size_t* length) {
  if (text.empty() || text[0] != '\x1b') return false;
  if (text.starts_with(kSgrReset)) {
    *length = kSgrReset.size();
    return true;
  }
  for (std::size_t i = 1; i < kSgr.size(); ++i)
    if (text.starts_with(kSgr[i])) {
      *length = kSgr[i].size();
      return true;
    }
  return false;
}

ColorMode parse_color_mode(std::string_view text) {
  if (text == "auto") return ColorMode::automatic;
  if (text == "always") return ColorMode::always;
  if (text == "never") return ColorMode::never;
  throw Error(ExitCode::usage, "--color '" + std::string(text) + "' is not one of auto, always, never",
              "use --color auto (colour on a terminal, the default), always or never");
}

std::string Screen::paint(Style s, std::string_view text) const {
  if (!colour || s == Style::none || text.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 12);
  out.append(sgr(s)).append(text).append(kSgrReset);
  return out;
}

std::string Screen::time(Timestamp t) const {
  if (!local_time) return format_rfc3339(t);
  const Civil c = civil(t, true);
  char buf[64];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &c.tm) == 0) return format_rfc3339(t);
  if (c.offset == 0) return std::string(buf) + "Z";
  const long off = c.offset < 0 ? -c.offset : c.offset;
  char zone[32];
  std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", c.offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
  return std::string(buf) + zone;
}

std::string Screen::time_short(Timestamp t) const {
  const Civil c = civil(t, local_time);
  char buf[64];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &c.tm) == 0) return format_rfc3339(t);
  return buf;
}

Screen screen_for_stdout(ColorMode mode, bool local_time) {
  Screen s;
  s.colour = colour_for(STDOUT_FILENO, mode);
  s.local_time = local_time;
  if (isatty(STDOUT_FILENO) == 1) {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) s.width = ws.ws_col;
    else s.width = 80;
  }
  return s;
}

bool colour_for_stderr(ColorMode mode) { return colour_for(STDERR_FILENO, mode); }

std::size_t display_width(std::string_view text) {
  const locale_t locale = utf8_locale();
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto [w, n] = next_char(text.substr(i), locale);
    columns += w;
    i += n;
  }
  return columns;
}

void append_fitted(std::string& out, std::string_view text, std::size_t width, bool pad) {
  const locale_t locale = utf8_locale();
  std::size_t columns = 0, i = 0;
  const std::size_t total = display_width(text);
  if (total <= width) {
    out.append(text);
    columns = total;
  } else if (width > 0) {
    // Room for the ellipsis: keep whole characters within width - 1 columns.
    while (i < text.size()) {
      const auto [w, n] = next_char(text.substr(i), locale);
      if (columns + w > width - 1) break;
      columns += w;
      i += n;
    }
    out.append(text.substr(0, i)).append("…");
    ++columns;
  }
  if (pad && width > columns) out.append(width - columns, ' ');
}

Pager::~Pager() { finish(); }

void Pager::finish() {
  if (pid_ <= 0) return;
  std::cout.flush();
  std::fflush(stdout);
  // The pager reads until end of file: close docket's end, then wait for the user to leave it.
  const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, STDOUT_FILENO);
    close(null);
  } else {
    close(STDOUT_FILENO);
  }
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

bool Pager::start(bool enabled) {
  if (!enabled || isatty(STDOUT_FILENO) != 1) return false;
  const char* chosen = std::getenv("DOCKET_PAGER");
  const char* from = "DOCKET_PAGER";
  if (!chosen) {
    chosen = std::getenv("PAGER");
    from = "PAGER";
  }
  const bool user_chose = chosen != nullptr;
  const std::string command = chosen ? chosen : "less -FRX";
  if (command.find_first_not_of(" \t") == std::string::npos || command == "cat") return false;
  wordexp_t words{};
  // WRDE_NOCMD: `$(...)` and backquotes are refused, so the variable runs no command of its own.
  if (wordexp(command.c_str(), &words, WRDE_NOCMD) != 0 || words.we_wordc == 0) {
    if (words.we_wordv) wordfree(&words);
    std::cerr << "docket: warning: " << from << "='" << core::display_line(command)
              << "' is not a command docket can run (no shell is used); output is not paged\n";
    return false;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    wordfree(&words);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  // less reads its options from LESS as well; git sets LESS=FRX and LV=-c when they are unset.
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  if (!std::getenv("LESS")) env_text.emplace_back("LESS=FRX");
  if (!std::getenv("LV")) env_text.emplace_back("LV=-c");
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, words.we_wordv[0], &actions, nullptr, words.we_wordv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (rc != 0) {
    close(fds[1]);
    if (user_chose)
      std::cerr << "docket: warning: cannot start the pager " << from << "='" << core::display_line(command)
                << "': " << std::strerror(rc) << "; output is not paged\n";
    wordfree(&words);
    return false;
  }
  wordfree(&words);
  std::cout.flush();
  std::fflush(stdout);
  dup2(fds[1], STDOUT_FILENO);
  close(fds[1]);
  pid_ = pid;
  return true;
}

}  // namespace docket::cli
