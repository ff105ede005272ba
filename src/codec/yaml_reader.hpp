#pragma once
// Private to the codec. Strict, typed access to a parsed YAML document: every conversion either
// returns a valid domain value or throws docket::Error(ExitCode::usage) naming the source, the
// line and the dotted field path (`checklist[1].done.at`).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "docket/core/types.hpp"
#include "yaml_document.hpp"

namespace docket::codec::detail {

class FieldMap;

// One node of a document and the path that leads to it.
class Field {
public:
  Field(const YamlDocument& document, const YamlNode& node, std::string path)
      : document_(&document), node_(&node), path_(std::move(path)) {}

  const std::string& path() const noexcept { return path_; }
  int line() const noexcept { return node_->line; }
  [[noreturn]] void fail(std::string_view what, std::string hint = {}) const;

  // Any scalar, as written. `title: 123` is the text "123": docket's fields are all typed by
  // the schema, never by how YAML would guess.
  const std::string& text() const;
  Timestamp timestamp() const;
  Duration duration() const;
  Email email() const;
  ExceptionId exception_id() const;
  Sha256Digest digest() const;
  // A name typed on the command line and used in file names: template names, checklist ids.
  std::string name() const;
  std::uint64_t byte_count() const;
  int integer(int minimum, int maximum) const;
  Severity severity() const;
  State state() const;
  Resolution resolution() const;
  Role role() const;
  Decision decision() const;
  // A checklist item's `evidence: required | none`.
  bool evidence_required() const;

  // A list; `key:` with no value is an empty list.
  std::vector<Field> items() const;
  // Converts each item of a list with `convert(const Field&)`.
  template <typename Convert>
  auto list(Convert convert) const {
    std::vector<decltype(convert(std::declval<const Field&>()))> out;
    for (const Field& item : items()) out.push_back(convert(item));
    return out;
  }
  // A mapping whose keys must all be in `allowed`; any other key is refused at once, with a
  // suggestion when it looks like a misspelling.
  FieldMap fields(std::initializer_list<std::string_view> allowed) const;
  // A mapping with free keys (policy teams), in document order.
  std::vector<std::pair<std::string, Field>> entries() const;

private:
  const YamlNode& expect(YamlNode::Kind kind, std::string_view hint) const;

  const YamlDocument* document_;
  const YamlNode* node_;
  std::string path_;
};

// The fields of one mapping, looked up by key.
class FieldMap {
public:
  FieldMap(const YamlDocument& document, const YamlNode& node, std::string path,
           std::initializer_list<std::string_view> allowed);

  // The value of `key`, or nothing when it is absent or written as null (`note:` or `note: ~`).
  std::optional<Field> optional(std::string_view key) const;
  // The value of `key`; refuses a missing or null value.
  Field required(std::string_view key) const;
  // The text of `key`, or "" when it is absent.
  std::string text_or_empty(std::string_view key) const;
  // The list at `key` converted item by item with `convert(const Field&)`, or an empty list
  // when it is absent.
  template <typename Convert>
  auto list_or_empty(std::string_view key, Convert convert) const {
    using Item = decltype(convert(std::declval<const Field&>()));
    const auto field = optional(key);
    return field ? field->list(convert) : std::vector<Item>{};
  }

private:
  const YamlEntry* find(std::string_view key) const;
  std::string child_path(std::string_view key) const;

  const YamlDocument* document_;
  const YamlNode* node_;
  std::string path_;
  std::vector<std::string_view> allowed_;
};

// Converters for `list()` and `list_or_empty()`.
inline std::string read_text(const Field& field) { return field.text(); }
inline Email read_email(const Field& field) { return field.email(); }
inline Sha256Digest read_digest(const Field& field) { return field.digest(); }
inline ExceptionId read_exception_id(const Field& field) { return field.exception_id(); }

// Converts a list whose items carry an `id` (checklist items), refusing an id used twice:
// items are addressed by id on the command line, so a second one could never be reached.
template <typename Convert>
auto list_with_unique_ids(const Field& field, Convert convert) {
  std::vector<decltype(convert(std::declval<const Field&>()))> out;
  std::set<std::string> ids;
  for (const Field& item : field.items()) {
    out.push_back(convert(item));
    if (!ids.insert(out.back().id).second)
      item.fail("id '" + out.back().id + "' is used twice in the list", "give each item its own id");
  }
  return out;
}

// The top level of a document, which must be a mapping.
FieldMap top_level_fields(const YamlDocument& document, std::string_view what,
                          std::initializer_list<std::string_view> allowed);

}  // namespace docket::codec::detail
