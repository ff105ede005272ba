#pragma once
// What the terminal docket writes to can show, decided once per run: colour, width, time zone,
// and the pager that long output goes through. The conventions followed:
// - colour: `--color auto|always|never`; in auto, NO_COLOR (https://no-color.org) turns it off,
//   CLICOLOR_FORCE (https://bixense.com/clicolors/) turns it on, else it is on for a terminal
//   whose TERM is not `dumb` — as git's color.ui=auto and gh do;
// - pager: DOCKET_PAGER, then PAGER, else `less -FRX`, for a terminal only (git's core.pager
//   order with docket's own variable first); an empty value or `cat` means none; `--no-pager`;
// - width: the terminal's columns (TIOCGWINSZ); output that is not a terminal is never cut.

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "docket/core/types.hpp"

namespace docket::cli {

// The styles docket paints with (SGR parameters of ECMA-48 §8.3.117).
enum class Style { none, bold, dim, red, bold_red, green, yellow, blue, magenta, cyan };

// The escape sequence that starts `s` ("" for Style::none), and the one that ends any style.
std::string_view sgr(Style s);
inline constexpr std::string_view kSgrReset = "\x1b[0m";
// Whether `text` starts with one of the sequences sgr() or kSgrReset returns; then `*length` is
// its length in bytes. print_human lets exactly these through unescaped.
bool starts_with_sgr(std::string_view text, std::size_t* length);

// The choices of `--color`.
enum class ColorMode { automatic, always, never };
// Parses `auto`, `always` or `never` (`--color`'s values); throws Error(usage) naming them.
ColorMode parse_color_mode(std::string_view text);

// What was decided for this run (see the top of this file).
struct Screen {
  bool colour = false;
  std::size_t width = 0;  // columns to fit tables into; 0: not a terminal, never cut
  bool local_time = false;
  // `text` (already escaped for display) in style `s` when colour is on, else `text` itself.
  std::string paint(Style s, std::string_view text) const;
  // `t` as RFC 3339: UTC with `Z` (the default), or the local zone with its offset
  // (`2026-11-30T10:00:00+01:00`, TZ as the C library reads it) when local_time.
  std::string time(Timestamp t) const;
  // `t` to the minute for tables: `2026-11-30 10:00` (UTC, or local when local_time).
  std::string time_short(Timestamp t) const;
};

// Decides the Screen for standard output: colour from `mode` and the environment, width from the
// terminal when standard output is one. Reads the environment (NO_COLOR, CLICOLOR_FORCE, TERM).
Screen screen_for_stdout(ColorMode mode, bool local_time);
// Whether colour is on for standard error under `mode` (for "docket: error:" lines).
bool colour_for_stderr(ColorMode mode);

// The display width, in terminal columns, of `text` (UTF-8; East Asian wide characters count 2,
// combining marks 0, per wcwidth(3) under C.UTF-8; a byte that is not UTF-8 counts 1).
std::size_t display_width(std::string_view text);
// Appends `text` to `out` shortened to at most `width` columns: a longer text is cut and ends in
// `…`. With `pad`, spaces fill up to `width`.
void append_fitted(std::string& out, std::string_view text, std::size_t width, bool pad);

// A pager for standard output (see the top of this file). start() spawns it with no shell
// (the command is split into words by wordexp(3) with command substitution refused) and points
// standard output at it; the destructor flushes standard output, closes it and waits for the
// pager, so docket exits after the user leaves it. A pager that cannot be started leaves
// standard output as it was (a warning on standard error when the user chose it).
class Pager {
public:
  Pager() = default;
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;
  // Starts the pager when standard output is a terminal and `enabled`; returns whether it runs.
  bool start(bool enabled);
  bool running() const { return pid_ > 0; }
  // What the destructor does, now (idempotent).
  void finish();

private:
  pid_t pid_ = -1;
};

}  // namespace docket::cli
