// docket escalate: route the exception to the policy's escalation owners (or --to).
#include "command_support.hpp"

namespace docket::cli {

void attach_escalate(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::string to, reason;
  };
  auto extra = std::make_shared<Extra>();
  cmd.add_option("--to", extra->to, "Escalate to this e-mail instead of the policy's escalation owners");
  cmd.add_option("--reason", extra->reason, "Why it is escalated")->required();
  cmd.callback([&ctx, opts, extra] {
    run_record_change(ctx, *opts, [&](app::Session&) {
      core::Escalate e{std::nullopt, extra->reason};
      if (!extra->to.empty()) e.to = parse_email_option(extra->to, "--to");
      return e;
    });
  });
}

}  // namespace docket::cli
