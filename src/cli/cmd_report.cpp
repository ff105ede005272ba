// docket report: the store's exceptions summarised for people and tools, as Markdown, JSON,
// CSV or one self-contained HTML page, on stdout or written atomically to a file.
#include <optional>
#include <vector>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/app/report_render.hpp"
#include "docket/app/session.hpp"
#include "docket/core/error.hpp"
#include "docket/core/report.hpp"
#include "filter_options.hpp"

namespace docket::cli {

void attach_report(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string format = "md";
    std::optional<std::string> out;
    std::string at;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--format", opts->format, "md, json, csv or html (default md)")->type_name("FORMAT");
  cmd.add_option("--out", opts->out, "Write to FILE (atomically) instead of standard output")->type_name("FILE");
  cmd.add_option("--at", opts->at, "Report as of this time: RFC 3339, or a duration from now (default: now)")
      ->type_name("TIME");
  auto filter_opts = add_filter_options(cmd);
  cmd.callback([&ctx, opts, filter_opts] {
    const auto format = app::parse_report_format(opts->format);
    if (!format)
      throw Error(ExitCode::usage, "--format '" + opts->format + "' is not a report format", "use one of: md, json, csv, html");
    core::ExceptionFilter filter = parse_filter(*filter_opts);
    app::Session session(ctx.settings());
    const store::Snapshot snap = session.tip();
    const Policy policy = app::load_config(snap).policy;
    const Timestamp at = opts->at.empty() ? session.now() : parse_time_option(opts->at, "--at", session.now());
    complete_filter(*filter_opts, filter, session, policy.expiring_soon);
    // The figures are over the selected exceptions only (all of them without criteria).
    const std::vector<core::RecordSummary> summaries = app::select_exceptions(session, snap, filter, at);
    core::ReportData data = core::build_report(summaries, policy, at);
    // Reasons, controls and approvers are not in the summaries: only decided records are read whole.
    for (const auto& summary : summaries)
      if (core::has_reported_decision(summary))
        data.decisions.push_back(core::report_decision(app::load_record(snap, summary.id), policy, at));
    core::sort_decisions(data.decisions);
    data.unreadable = session.index().unreadable();
    // The JSON report's record objects: the index's cached texts, streamed in the rows' order.
    const std::string text = app::render_report(data, *format, [&](const std::function<void(std::string_view)>& sink) {
      session.index().stream_json(snap, [](State) { return true; }, sink);
    });
    warn_unreadable(data.unreadable);
    if (opts->out && opts->out->empty())
      throw Error(ExitCode::usage, "--out needs a file name", "give --out FILE, or leave --out out (or give -) for standard output");
    if (!opts->out || *opts->out == "-") {
      ctx.page();
      *ctx.out << text;
    }
    else app::write_output_file(*opts->out, text);
  });
}

}  // namespace docket::cli
