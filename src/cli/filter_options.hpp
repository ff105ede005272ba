#pragma once
// The selection options `list`, `report` and `check` share (--state, --severity, --owner,
// --assignee, --mine, --template, --identity, --system, --tool, --overdue, --expiring,
// --expired, --grep), turned into one core::ExceptionFilter.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "docket/core/exception_filter.hpp"

namespace docket::cli {

struct FilterOptions {
  std::vector<std::string> states, severities;
  std::string owner, assignee, template_name, identity, system, tool, grep;
  bool mine = false, overdue = false, expired = false;
  std::string expiring;                  // empty with the flag given: the policy's window
  CLI::Option* expiring_flag = nullptr;  // whether --expiring was given
};

// Adds the selection options to `cmd` (their help says what `what` selects, e.g. "list").
std::shared_ptr<FilterOptions> add_filter_options(CLI::App& cmd);

// The criteria the options give, checked before any store is read: an unknown state or
// severity, an --identity without KIND:NAME, a bad e-mail or duration are Error(usage) naming
// the value and the accepted ones. --mine and a bare --expiring are filled, and --template is
// checked against the store's templates (Error(usage) naming them), by complete_filter.
core::ExceptionFilter parse_filter(const FilterOptions& opts);
// Fills what needs the store: --mine with the acting user's e-mail (Session::actor: Error(usage)
// naming DOCKET_ACTOR_EMAIL and git config user.email when none is set), a bare --expiring with
// `policy_window` (the policy's expiring_soon).
void complete_filter(const FilterOptions& opts, core::ExceptionFilter& filter, app::Session& session, Duration policy_window);

}  // namespace docket::cli
