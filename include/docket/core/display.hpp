#pragma once
// Record text made safe to show in a terminal: what a record holds can never imitate a line of
// docket's own output (a history entry, a list row) or reorder what the reader sees.
//
// Escaped, as `\xNN` (bytes) or `\u{XXXX}` (code points):
//   - C0 controls U+0000–U+001F and DEL U+007F (line breaks too, except where a block keeps them);
//     `\n`, `\r` and `\t` are written as those two characters;
//   - C1 controls U+0080–U+009F (their UTF-8 forms; CSI U+009B and NEL U+0085 among them);
//   - bidirectional formatting (Unicode UAX #9): ALM U+061C, LRM/RLM U+200E/U+200F, the
//     embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069;
//   - LINE SEPARATOR U+2028 and PARAGRAPH SEPARATOR U+2029;
//   - bytes that are not well-formed UTF-8 (RFC 3629 §4), one `\xNN` per byte.
// Everything else (printable ASCII, other Unicode) is kept as it is.

#include <string>
#include <string_view>

namespace docket::core {

// `text` as one line: every line break escaped.
std::string display_line(std::string_view text);
// Appends display_line(text) to `out` without a temporary (the `list` hot path).
void append_display_line(std::string& out, std::string_view text);
// `text` as a block: a line break (LF, or CRLF) is kept and the next line starts with `indent`,
// so no line of the text can start where docket's own lines start; the rest as display_line.
std::string display_block(std::string_view text, std::string_view indent);

}  // namespace docket::core
