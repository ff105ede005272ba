// docket log: one exception's timeline from git history, with each commit's signature status.
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "docket/codec/json.hpp"
#include "docket/core/display.hpp"
#include "command_support.hpp"
#include "docket/app/log.hpp"
#include "docket/core/time.hpp"

namespace docket::cli {

void attach_log(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  cmd.callback([&ctx, opts] {
    app::Session session(ctx.settings());
    const auto entries = app::record_log(session, opts->id);
    if (opts->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : entries)
        out.push_back({{"commit", e.commit},
                       {"at", format_rfc3339(e.at)},
                       {"by", e.by},
                       {"command", e.command},
                       {"action", e.action},
                       {"subject", e.subject},
                       {"signature", e.signature}});
      nlohmann::json doc = codec::json_document();
      doc["entries"] = std::move(out);
      *ctx.out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    const Screen& screen = ctx.screen();
    std::string text;
    for (const auto& e : entries)
      text += screen.paint(Style::yellow, e.commit.substr(0, 12)) + "  " + screen.time(e.at) + "  " +
              screen.paint(e.signature == "good" ? Style::green : Style::red, core::display_line(e.signature)) + "  " +
              core::display_line(e.by) + "  " + core::display_line(e.action) + "\n";
    ctx.page();
    print_human(*ctx.out, text);
  });
}

}  // namespace docket::cli
