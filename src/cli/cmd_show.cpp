// docket show: one exception, the whole story.
#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"

namespace docket::cli {

void attach_show(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  cmd.callback([&ctx, opts] {
    app::Session session(ctx.settings());
    const Record r = app::show_exception(session, opts->id);
    ctx.page();
    print_record(ctx, r, opts->json, session.now());
  });
}

}  // namespace docket::cli
