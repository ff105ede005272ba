// docket list: exceptions as a table or JSON array.
#include <string>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "render.hpp"

namespace docket::cli {

void attach_list(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string state;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--state", opts->state, "Only exceptions in this state");
  cmd.add_flag("--json", opts->json, "Print a JSON array");
  cmd.callback([&ctx, opts] {
    app::ListFilter filter;
    if (!opts->state.empty()) filter.state = parse_state_option(opts->state);
    app::Session session(ctx.settings());
    if (opts->json) {
      // A JSON array streamed one record per line: memory stays flat however large the store.
      // Nothing is printed before the store has been found and verified.
      bool first = true;
      app::list_exceptions_json(session, filter, [&](std::string_view json) {
        *ctx.out << (first ? "[\n" : ",\n") << json;
        first = false;
      });
      *ctx.out << (first ? "[]\n" : "\n]\n");
      warn_unreadable(session.index().unreadable());
      return;
    }
    // Streamed in chunks: memory stays flat however large the store.
    std::string text;
    ListLayout layout;
    const Screen& screen = ctx.screen();
    const Timestamp now = session.now();
    app::list_exceptions(
        session, filter,
        [&](std::size_t count, std::size_t id_width) {
          layout = list_layout(id_width, screen);
          // With unreadable records, "no exceptions" would be false: the warnings say why.
          const std::string header = list_header(layout);
          text = count > 0 ? screen.paint(Style::bold, std::string_view(header).substr(0, header.size() - 1)) + "\n"
                 : session.index().unreadable().empty() ? "no exceptions\n"
                                                        : "";
          if (count > 0) ctx.page();
        },
        [&](const app::ListedException& r) {
          append_list_line(text, r, layout, screen, now);
          if (text.size() >= 64 * 1024) {
            print_human(*ctx.out, text);
            text.clear();
          }
        });
    print_human(*ctx.out, text);
    warn_unreadable(session.index().unreadable());
  });
}

}  // namespace docket::cli
