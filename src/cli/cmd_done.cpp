// docket done: complete a checklist item that needs no evidence.
#include "command_support.hpp"

namespace docket::cli {

void attach_done(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::string item, note;
  };
  auto extra = std::make_shared<Extra>();
  cmd.add_option("ITEM", extra->item, "Checklist item id")->required();
  cmd.add_option("--note", extra->note, "What was done");
  cmd.callback([&ctx, opts, extra] {
    run_record_change(ctx, *opts, [&](app::Session&) { return core::CompleteItem{extra->item, extra->note}; });
  });
}

}  // namespace docket::cli
