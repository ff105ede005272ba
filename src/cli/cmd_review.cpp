// docket review: record the post-closure review.
#include "command_support.hpp"

namespace docket::cli {

void attach_review(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto note = std::make_shared<std::string>();
  cmd.add_option("--note", *note, "What the review found")->required();
  cmd.callback([&ctx, opts, note] { run_record_change(ctx, *opts, [&](app::Session&) { return core::RecordReview{*note}; }); });
}

}  // namespace docket::cli
