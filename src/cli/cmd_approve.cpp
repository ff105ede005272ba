// docket approve: an approver's yes to the current request.
#include "command_support.hpp"

namespace docket::cli {

void attach_approve(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto note = std::make_shared<std::string>();
  cmd.add_option("--note", *note, "Conditions or remarks");
  cmd.callback([&ctx, opts, note] { run_record_change(ctx, *opts, [&](app::Session&) { return core::Approve{*note}; }); });
}

}  // namespace docket::cli
