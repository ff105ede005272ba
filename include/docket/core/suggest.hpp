#pragma once
// "Did you mean …?" for mistyped names (commands, templates, states).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

// The candidate closest to `typed` by edit distance, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace docket
