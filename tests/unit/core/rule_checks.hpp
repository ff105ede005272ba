#pragma once
// Shared by the core rule tests: asserting that a call is refused by one named rule.

#include <doctest/doctest.h>

#include <string_view>

#include "docket/core/error.hpp"

// Checks that `expr` throws docket::RuleViolation naming `rule_name`, with ExitCode::refused.
#define CHECK_REFUSED_BY(expr, rule_name)                                                              \
  do {                                                                                                 \
    try {                                                                                              \
      (void)(expr);                                                                                    \
      FAIL_CHECK("expected a refusal by rule '", rule_name, "', but it was allowed: " #expr);          \
    } catch (const ::docket::RuleViolation& violation_) {                                              \
      CHECK_MESSAGE(violation_.rule() == std::string_view(rule_name), "refused by '", violation_.rule(), \
                    "' (", violation_.what(), ") instead of '", rule_name, "': " #expr);               \
      CHECK(violation_.code() == ::docket::ExitCode::refused);                                         \
    }                                                                                                  \
  } while (false)
