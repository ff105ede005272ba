#pragma once
// YAML ⇄ domain values. Output is canonical: fixed key order, block style, UTC RFC 3339
// timestamps, empty/absent optional fields omitted, so `read(write(r)) == r` and every change
// is a small diff. Input is strict: unknown keys, wrong types, bad enums, bad timestamps,
// duplicate keys are refused with docket::Error(ExitCode::usage) whose message names the
// source (a path), the line and the field: `exceptions/7F/EX-7F3A9C2KQD.yaml:12: field
// 'severity': expected one of critical, high, medium, low, got 'urgent'`.

#include <cstddef>
#include <string>
#include <string_view>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/template.hpp"

namespace docket::codec {

// The readers refuse text longer than this: docket's own files are a few kilobytes, and the cap
// bounds the memory and time hostile input can cost. Callers may check it before reading a file.
inline constexpr std::size_t max_yaml_bytes = std::size_t{1} << 20;

std::string record_to_yaml(const Record& r);
Record record_from_yaml(std::string_view text, std::string_view source);

std::string policy_to_yaml(const Policy& p);
Policy policy_from_yaml(std::string_view text, std::string_view source);

std::string template_to_yaml(const Template& t);
Template template_from_yaml(std::string_view text, std::string_view source);

}  // namespace docket::codec
