// docket deny: an approver's no to the current request.
#include "command_support.hpp"

namespace docket::cli {

void attach_deny(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto reason = std::make_shared<std::string>();
  cmd.add_option("--reason", *reason, "Why the request is denied")->required();
  cmd.callback([&ctx, opts, reason] { run_record_change(ctx, *opts, [&](app::Session&) { return core::Deny{*reason}; }); });
}

}  // namespace docket::cli
