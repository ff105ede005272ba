// docket renew: ask for a new approval round to extend an acceptance.
#include "command_support.hpp"

namespace docket::cli {

void attach_renew(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::string expires, reason;
    std::vector<std::string> controls;
  };
  auto extra = std::make_shared<Extra>();
  cmd.add_option("--expires", extra->expires, "New expiry (RFC 3339 or a duration such as 30d)")->required();
  cmd.add_option("--reason", extra->reason, "Why the acceptance must continue")->required();
  cmd.add_option("--control", extra->controls, "Compensating controls (default: the current ones)");
  cmd.callback([&ctx, opts, extra] {
    run_record_change(ctx, *opts, [&](app::Session& session) {
      return core::Renew{parse_time_option(extra->expires, "--expires", session.now()), extra->reason, extra->controls};
    });
  });
}

}  // namespace docket::cli
