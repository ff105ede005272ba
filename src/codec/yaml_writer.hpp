#pragma once
// Private to the codec. Writes canonical YAML with yaml-cpp's emitter: block style, two-space
// indent, keys in the order the caller writes them, and free text quoted whenever another YAML
// reader (yq, PyYAML, a CI script) would take it for a boolean, null or number.

#include <yaml-cpp/emitter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/types.hpp"

namespace docket::codec::detail {

// True when `text` written plain would be read by a YAML 1.1 or 1.2 reader as something other
// than a string: `yes`, `off`, `null`, `~`, `123`, `-1.5`, `.inf`, `0x1F`, `2026-01-01`…
bool reads_as_another_type(std::string_view text);

class CanonicalWriter {
public:
  CanonicalWriter();

  void begin_map();
  void end_map();
  void begin_list();
  void end_list();
  void empty_list();  // `[]`, where an empty list differs from an absent one

  void key(std::string_view schema_key);  // a key of the schema, written as is
  void text_key(std::string_view key);    // a key chosen by a user (team names)
  // Free text: quoted when it would read as another type; must be UTF-8 (throws Error(usage)).
  void text(std::string_view value);
  // A value docket formatted itself: an enum, id, timestamp, duration or digest.
  void plain(std::string_view value);
  void number(std::uint64_t value);
  void number(int value);

  // Shorthands for `key: value`.
  void text_field(std::string_view schema_key, std::string_view value);
  void text_field_unless_empty(std::string_view schema_key, std::string_view value);
  void plain_field(std::string_view schema_key, std::string_view value);
  void time_field(std::string_view schema_key, Timestamp value);
  void time_field_if_set(std::string_view schema_key, const std::optional<Timestamp>& value);
  void duration_field(std::string_view schema_key, Duration value);
  void email_field(std::string_view schema_key, const Email& value);
  // `key:` and a block list, or nothing when the list is empty.
  void text_list_unless_empty(std::string_view schema_key, const std::vector<std::string>& values);
  void email_list_unless_empty(std::string_view schema_key, const std::vector<Email>& values);

  // The document, ending with a newline. Throws Error(internal) if the emitter was misused.
  std::string finish();

private:
  YAML::Emitter out_;
  std::string last_key_;  // names the field when text cannot be written
};

}  // namespace docket::codec::detail
