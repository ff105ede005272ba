// docket revoke: end an acceptance explicitly (closed, revoked).
#include "command_support.hpp"

namespace docket::cli {

void attach_revoke(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto note = std::make_shared<std::string>();
  cmd.add_option("--note", *note, "What was revoked and how");
  cmd.callback([&ctx, opts, note] { run_record_change(ctx, *opts, [&](app::Session&) { return core::Revoke{*note}; }); });
}

}  // namespace docket::cli
