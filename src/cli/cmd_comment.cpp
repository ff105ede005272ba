// docket comment: add a comment.
#include "command_support.hpp"

namespace docket::cli {

void attach_comment(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  auto text = std::make_shared<std::string>();
  cmd.add_option("TEXT", *text, "The comment")->required();
  cmd.callback([&ctx, opts, text] { run_record_change(ctx, *opts, [&](app::Session&) { return core::AddComment{*text}; }); });
}

}  // namespace docket::cli
