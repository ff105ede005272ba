// docket list: exceptions as a table, bare ids or a JSON array, selected and sorted.
#include <charconv>
#include <string>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/core/error.hpp"
#include "filter_options.hpp"
#include "render.hpp"

namespace docket::cli {
namespace {

core::ListSort parse_sort_option(const std::string& text) {
  if (const auto sort = core::parse_list_sort(text)) return *sort;
  throw Error(ExitCode::usage, "--sort '" + text + "' is not a sort order", "use one of: " + core::list_sort_names());
}

std::size_t parse_limit_option(const std::string& text) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n == 0)
    throw Error(ExitCode::usage, "--limit '" + text + "' is not a positive whole number", "give a count of at least 1, e.g. --limit 20");
  return n;
}

}  // namespace

void attach_list(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string sort, limit;
    bool json = false, quiet = false;
  };
  auto opts = std::make_shared<Options>();
  auto filter_opts = add_filter_options(cmd);
  // The keys in the type name, `{due,opened,…}`, as CLI11 writes a choice: help shows them and
  // completion offers them; the value is checked in the callback, naming the keys.
  std::string keys;
  for (const auto sort : core::kListSorts) keys += (keys.empty() ? "" : ",") + std::string(core::to_string(sort));
  cmd.add_option("--sort", opts->sort, "Order by due (soonest first), opened (the default), severity or state")
      ->type_name("KEY:{" + keys + "}");
  cmd.add_option("--limit", opts->limit, "Show at most N exceptions (after sorting)")->type_name("N");
  auto* json_flag = cmd.add_flag("--json", opts->json, "Print the exceptions as JSON");
  cmd.add_flag("-q,--quiet", opts->quiet, "Print only the ids, one a line (for xargs)")->excludes(json_flag);
  cmd.callback([&ctx, opts, filter_opts] {
    // Every value is checked before the store is read.
    app::ListFilter filter;
    filter.select = parse_filter(*filter_opts);
    if (!opts->sort.empty()) filter.sort = parse_sort_option(opts->sort);
    if (!opts->limit.empty()) filter.limit = parse_limit_option(opts->limit);
    app::Session session(ctx.settings());
    if (filter_opts->mine || filter_opts->expiring_flag->count() > 0 || !filter_opts->template_name.empty())
      complete_filter(*filter_opts, filter.select, session, app::load_config(session.tip()).policy.expiring_soon);
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
    ListLayout layout;
    const Screen& screen = ctx.screen();
    const Timestamp now = session.now();
    const auto flush = [&] {
      if (text.size() >= 64 * 1024) {
        print_human(*ctx.out, text);
        text.clear();
      }
    };
    app::list_exceptions(
        session, filter,
        [&](std::size_t count, std::size_t id_width) {
          if (opts->quiet) return;
          layout = list_layout(id_width, screen);
          // With unreadable records, "no exceptions" would be false: the warnings say why.
          const char* none = core::is_empty(filter.select) ? "no exceptions\n" : "no exceptions match\n";
          const std::string header = list_header(layout);
          text = count > 0 ? screen.paint(Style::bold, std::string_view(header).substr(0, header.size() - 1)) + "\n"
                 : session.index().unreadable().empty() ? none
                                                        : "";
          if (count > 0) ctx.page();
        },
        [&](const app::ListedException& r) {
          if (opts->quiet) {
            text.append(r.id).push_back('\n');
          } else {
            append_list_line(text, r, layout, screen, now);
          }
          flush();
        });
    print_human(*ctx.out, text);
    warn_unreadable(session.index().unreadable());
  });
}

}  // namespace docket::cli
