#pragma once
// Private to the codec. Parses YAML text into a small tree that remembers the line of every
// node, and refuses what docket never writes before any field is read: text over
// `max_yaml_bytes`, invalid UTF-8, several documents, aliases (a few bytes of aliases can expand
// to gigabytes), explicit tags, non-text keys, duplicate keys (yaml-cpp would silently keep one)
// and nesting deeper than `kMaxYamlDepth`. yaml-cpp's event parser does the parsing; building
// the tree from its events lets us stop hostile input early instead of after `YAML::Load` has
// built all of it.

#include <string>
#include <string_view>
#include <vector>

namespace docket::codec::detail {

// Our schemas nest at most five levels (record → checklist → item → done → evidence); anything
// much deeper is hostile or a mistake, and refusing it early keeps the parser's recursion bounded.
inline constexpr int kMaxYamlDepth = 32;

struct YamlEntry;

struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  int line = 0;                    // 1-based; a null map value carries its key's line
  std::string scalar;              // for Kind::scalar
  std::vector<YamlNode> items;     // for Kind::sequence
  std::vector<YamlEntry> entries;  // for Kind::mapping, in document order, keys unique
};

struct YamlEntry {
  std::string key;
  int line = 0;
  YamlNode value;
};

struct YamlDocument {
  std::string source;  // a path or a name, for messages
  YamlNode root;       // Kind::null for an empty document
};

// Parses `text`, throwing docket::Error(ExitCode::usage) naming `source` and the line.
YamlDocument parse_yaml_document(std::string_view text, std::string_view source);

// `<source>:<line>: <what>` (or `<source>: <what>` when `line` is 0).
[[noreturn]] void throw_at(std::string_view source, int line, std::string_view what, std::string hint);
// `<source>:<line>: field '<path>': <what>`.
[[noreturn]] void throw_field_error(std::string_view source, int line, std::string_view path, std::string_view what,
                                    std::string hint);

// "text", "a list", "a mapping" or "nothing": for "expected …, got …" messages.
std::string_view describe(YamlNode::Kind kind);

// The byte offset of the first sequence in `text` that is not UTF-8, or is U+FFFE or U+FFFF
// (which YAML cannot carry: yaml-cpp turns them into U+FFFD); npos if there is none.
std::size_t find_invalid_text(std::string_view text);

}  // namespace docket::codec::detail
