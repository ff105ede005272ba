// docket request: ask for approval of a resolution (remediated, accepted, rejected).
#include "command_support.hpp"

namespace docket::cli {

void attach_request(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::string resolution, reason, expires;
    std::vector<std::string> controls;
  };
  auto extra = std::make_shared<Extra>();
  cmd.add_option("--resolution", extra->resolution, "remediated, accepted or rejected")->required();
  cmd.add_option("--reason", extra->reason, "Why this resolution")->required();
  cmd.add_option("--expires", extra->expires, "For accepted: until when (RFC 3339 or a duration such as 30d)");
  cmd.add_option("--control", extra->controls, "For accepted: a compensating control (repeatable)");
  cmd.callback([&ctx, opts, extra] {
    run_record_change(ctx, *opts, [&](app::Session& session) {
      core::RequestResolution r{parse_resolution_option(extra->resolution), extra->reason, std::nullopt, extra->controls};
      if (!extra->expires.empty()) r.expires = parse_time_option(extra->expires, "--expires", session.now());
      return r;
    });
  });
}

}  // namespace docket::cli
