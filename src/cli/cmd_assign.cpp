// docket assign: give the exception to a member.
#include "command_support.hpp"

namespace docket::cli {

void attach_assign(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto to = std::make_shared<std::string>();
  cmd.add_option("EMAIL", *to, "The member who will work it")->required();
  cmd.callback([&ctx, opts, to] {
    run_record_change(ctx, *opts, [&](app::Session&) { return core::Assign{parse_email_option(*to, "EMAIL")}; });
  });
}

}  // namespace docket::cli
