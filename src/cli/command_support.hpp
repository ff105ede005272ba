#pragma once
// Shared pieces of command files: turning option text into domain values with clear errors,
// and running a lifecycle command on one record and printing the result.

#include <memory>
#include <string>

#include "cli.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/summary.hpp"

namespace docket::cli {

// Parse helpers: each throws Error(ExitCode::usage) naming the option and the accepted forms.
Email parse_email_option(const std::string& text, const std::string& option);
Severity parse_severity_option(const std::string& text);
State parse_state_option(const std::string& text);
Resolution parse_resolution_option(const std::string& text);
Role parse_role_option(const std::string& text);
// `KIND:NAME` (split at the first colon, both parts non-empty) as an identity without a system.
Identity parse_identity_option(const std::string& text, const std::string& option);
Timestamp parse_time_option(const std::string& text, const std::string& option, Timestamp now);


// Prints one warning line on standard error for each record file a read could not parse
// (core::UnreadableRecord): its path, the reason, and what to do. The command goes on.
void warn_unreadable(const std::vector<core::UnreadableRecord>& records);

// Prints docket's own multi-line output for a terminal: line breaks kept, every other control,
// bidi formatting character and malformed UTF-8 escaped by core::display_block, so text from a
// hostile record is made visible instead of interpreted.
void print_human(std::ostream& out, std::string_view text);
// Prints `r` as `docket show` does (judged at `now`: EXPIRED, overdue), or as JSON.
void print_record(CommandContext& ctx, const Record& r, bool json, Timestamp now);

// Options shared by every command that changes one record: the ID and --json.
struct RecordCommandOptions {
  std::string id;
  bool json = false;
};
// Adds the ID positional and --json to `command` and returns where they are stored.
std::shared_ptr<RecordCommandOptions> add_record_options(CLI::App& command);
// Applies the command `make(session)` builds to the record named by `opts.id` and prints it.
void run_record_change(CommandContext& ctx, const RecordCommandOptions& opts,
                       const std::function<core::Command(app::Session&)>& make);

}  // namespace docket::cli
