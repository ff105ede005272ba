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
  cmd.add_flag("--json", opts->json, "Print the exceptions as JSON");
  cmd.callback([&ctx, opts] {
    app::ListFilter filter;
    if (!opts->state.empty()) filter.state = parse_state_option(opts->state);
    app::Session session(ctx.settings());
    if (opts->json) {
      // {"schema_version": 1, "exceptions": [...]} with the array streamed one record object per
      // line: memory stays flat however large the store. Nothing is printed before the store has
      // been found and verified.
      bool first = true;
      app::list_exceptions_json(session, filter, [&](std::string_view json) {
        *ctx.out << (first ? list_json_head() + "[\n" : ",\n") << json;
        first = false;
      });
      *ctx.out << (first ? list_json_head() + "[]}\n" : "\n]}\n");
      warn_unreadable(session.index().unreadable());
      return;
    }
    // Streamed in chunks: memory stays flat however large the store.
    std::string text;
    std::size_t width = 0;
    app::list_exceptions(
        session, filter,
        [&](std::size_t count, std::size_t id_width) {
          width = id_width;
          // With unreadable records, "no exceptions" would be false: the warnings say why.
          text = count > 0 ? list_header(width) : session.index().unreadable().empty() ? "no exceptions\n" : "";
        },
        [&](const app::ListedException& r) {
          append_list_line(text, r, width);
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
