// docket reopen: a closed exception goes back to investigating.
#include "command_support.hpp"

namespace docket::cli {

void attach_reopen(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto reason = std::make_shared<std::string>();
  cmd.add_option("--reason", *reason, "Why it is reopened")->required();
  cmd.callback([&ctx, opts, reason] { run_record_change(ctx, *opts, [&](app::Session&) { return core::Reopen{*reason}; }); });
}

}  // namespace docket::cli
