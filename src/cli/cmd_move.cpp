// docket move: advance along the lifecycle (open → triaged → investigating → remediating).
#include "command_support.hpp"

namespace docket::cli {

void attach_move(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::string state, note;
  };
  auto extra = std::make_shared<Extra>();
  cmd.add_option("STATE", extra->state, "triaged, investigating or remediating")->required();
  cmd.add_option("--note", extra->note, "Why");
  cmd.callback([&ctx, opts, extra] {
    run_record_change(ctx, *opts, [&](app::Session&) { return core::Move{parse_state_option(extra->state), extra->note}; });
  });
}

}  // namespace docket::cli
