#include "yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"

namespace docket::codec::detail {
namespace {

const std::string kSyntaxHint =
    "fix the YAML at that line; quote text that contains ': ', ' #' or starts with a symbol";

int line_of(const YAML::Mark& mark) { return mark.is_null() || mark.line < 0 ? 0 : mark.line + 1; }

int line_at_offset(std::string_view text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Refuses bytes that YAML does not allow in a file (C0 controls other than tab and line breaks)
// and anything that is not UTF-8, so the files docket accepts stay plain text that diffs and other
// YAML tools can handle.
void check_characters(std::string_view text, std::string_view source) {
  if (const auto bad = find_invalid_text(text); bad != std::string_view::npos)
    throw_at(source, line_at_offset(text, bad), "text is not valid UTF-8", "save the file as UTF-8 text");
  const auto control = std::find_if(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
  if (control != text.end()) {
    const auto offset = static_cast<std::size_t>(control - text.begin());
    throw_at(source, line_at_offset(text, offset), "control character in the file",
             "remove it, or write it as an escape such as \"\\x01\" inside double quotes");
  }
}

bool tag_allowed(const std::string& tag, std::string_view core_kind) {
  // `?` is a plain node and `!` a quoted scalar: both mean "no tag given".
  return tag.empty() || tag == "?" || tag == "!" || tag == "tag:yaml.org,2002:" + std::string(core_kind);
}

// Builds a YamlNode tree from yaml-cpp's events, refusing as soon as something is wrong.
class TreeBuilder final : public YAML::EventHandler {
public:
  explicit TreeBuilder(std::string_view source) : source_(source) {}

  std::optional<YamlNode>& root() { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    YamlNode node;
    node.kind = YamlNode::Kind::null;
    node.line = line_of(mark);
    // yaml-cpp marks an empty value (`note:`) on the following line; its key's line is where a
    // reader would look.
    if (!stack_.empty() && stack_.back().key_line != 0) node.line = stack_.back().key_line;
    complete(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw_field_error(source_, line_of(mark), child_path(), "aliases ('*name') are not supported",
                      "write the value out in full");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    check_tag(mark, tag, "str");
    // The file is UTF-8, but two escapes are not: yaml-cpp reads `\N` and `\_` as the single
    // bytes 0x85 and 0xA0, and `\uFFFE` gives a non-character. Text docket could not write back.
    if (find_invalid_text(value) != std::string::npos)
      throw_field_error(source_, line_of(mark), child_path(), "an escape gives text that is not UTF-8 docket can write",
                        "write U+0085 as \"\\x85\" and U+00A0 as \"\\xa0\" (not \\N or \\_); U+FFFE and U+FFFF are not characters");
    YamlNode node;
    node.kind = YamlNode::Kind::scalar;
    node.line = line_of(mark);
    node.scalar = value;
    complete(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, YamlNode::Kind::sequence, "seq");
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark, tag, YamlNode::Kind::mapping, "map");
  }
  void OnMapEnd() override { close(); }

private:
  struct Frame {
    YamlNode node;
    std::string key;                  // the key whose value is being read, in a mapping
    int key_line = 0;                 // non-zero while a key waits for its value
    std::map<std::string, int> seen;  // keys so far → their lines, to refuse duplicates
  };

  bool awaiting_key() const {
    return !stack_.empty() && stack_.back().node.kind == YamlNode::Kind::mapping && stack_.back().key_line == 0;
  }

  // The dotted path of the node about to be completed: `checklist[2].done.at`.
  std::string child_path() const {
    std::string path;
    for (const auto& frame : stack_) {
      if (frame.node.kind == YamlNode::Kind::sequence) {
        path += "[" + std::to_string(frame.node.items.size()) + "]";
      } else if (frame.key_line != 0) {
        if (!path.empty()) path += '.';
        path += frame.key;
      }
    }
    return path;
  }

  void check_tag(const YAML::Mark& mark, const std::string& tag, std::string_view core_kind) const {
    if (!tag_allowed(tag, core_kind))
      throw_field_error(source_, line_of(mark), child_path(), "tag '" + tag + "' is not supported",
                        "remove the tag; docket reads every value as plain YAML");
  }

  void open(const YAML::Mark& mark, const std::string& tag, YamlNode::Kind kind, std::string_view core_kind) {
    check_tag(mark, tag, core_kind);
    if (awaiting_key())
      throw_at(source_, line_of(mark), "a list or mapping used as a key is not supported",
               "use plain text keys such as 'title:'");
    if (stack_.size() >= static_cast<std::size_t>(kMaxYamlDepth))
      throw_at(source_, line_of(mark), "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep",
               "docket files nest a few levels at most; this file was not written by docket");
    Frame frame;
    frame.node.kind = kind;
    frame.node.line = line_of(mark);
    stack_.push_back(std::move(frame));
  }

  void close() {
    YamlNode node = std::move(stack_.back().node);
    stack_.pop_back();
    complete(std::move(node));
  }

  void complete(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.kind == YamlNode::Kind::sequence) {
      parent.node.items.push_back(std::move(node));
      return;
    }
    if (parent.key_line == 0) {
      accept_key(parent, node);
      return;
    }
    parent.node.entries.push_back(YamlEntry{std::move(parent.key), parent.key_line, std::move(node)});
    parent.key.clear();
    parent.key_line = 0;
  }

  void accept_key(Frame& parent, const YamlNode& key) {
    if (key.kind != YamlNode::Kind::scalar || key.scalar.empty())
      throw_at(source_, key.line, "empty key", "give every value a key such as 'title:'");
    const auto [first, inserted] = parent.seen.emplace(key.scalar, key.line);
    parent.key = key.scalar;
    parent.key_line = key.line;
    if (!inserted)
      throw_field_error(source_, key.line, child_path(),
                        "duplicate key (first at line " + std::to_string(first->second) + ")",
                        "keep one of the two '" + key.scalar + "' entries");
  }

  std::string_view source_;
  std::vector<Frame> stack_;
  std::optional<YamlNode> root_;
};

// Only used to notice that a second document follows the first.
class SecondDocumentDetector final : public YAML::EventHandler {
public:
  explicit SecondDocumentDetector(std::string_view source) : source_(source) {}
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw_at(source_, line_of(mark), "more than one YAML document in the file",
             "keep one document per file: remove the '---' line and what follows it");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

private:
  std::string_view source_;
};

}  // namespace

void throw_at(std::string_view source, int line, std::string_view what, std::string hint) {
  std::string message(source);
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  message += what;
  throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

void throw_field_error(std::string_view source, int line, std::string_view path, std::string_view what,
                       std::string hint) {
  std::string message = "field '" + std::string(path) + "': ";
  message += what;
  throw_at(source, line, message, std::move(hint));
}

std::string_view describe(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::null: return "nothing";
    case YamlNode::Kind::scalar: return "text";
    case YamlNode::Kind::sequence: return "a list";
    case YamlNode::Kind::mapping: return "a mapping";
  }
  return "?";
}

std::size_t find_invalid_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length;
    std::uint32_t code;
    std::uint32_t minimum;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1Fu, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0Fu, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07u, minimum = 0x10000;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      code = (code << 6) | (next & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (code < minimum || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return i;
    if (code == 0xFFFE || code == 0xFFFF) return i;
    i += length;
  }
  return std::string_view::npos;
}

YamlDocument parse_yaml_document(std::string_view text, std::string_view source) {
  if (text.size() > max_yaml_bytes)
    throw_at(source, 0,
             "is " + std::to_string(text.size()) + " bytes; docket reads YAML files of at most " +
                 std::to_string(max_yaml_bytes) + " bytes",
             "this file was not written by docket; check where it came from");
  check_characters(text, source);

  std::istringstream stream{std::string(text)};
  YAML::Parser parser(stream);
  TreeBuilder builder(source);
  try {
    if (parser.HandleNextDocument(builder)) {
      SecondDocumentDetector detector(source);
      parser.HandleNextDocument(detector);
    }
  } catch (const YAML::ParserException& e) {
    throw_at(source, line_of(e.mark), "invalid YAML: " + e.msg, kSyntaxHint);
  } catch (const YAML::Exception& e) {
    throw_at(source, line_of(e.mark), "invalid YAML: " + e.msg, kSyntaxHint);
  }
  YamlDocument document{std::string(source), {}};
  if (builder.root()) document.root = std::move(*builder.root());
  return document;
}

}  // namespace docket::codec::detail
