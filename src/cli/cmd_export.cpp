// docket export: the acceptances in force and the reviewed false positives, written back as the
// files scanners read to suppress findings (SARIF, .trivyignore.yaml, .gitleaksignore), on
// stdout or written atomically to a file. What was left out is said on standard error.
#include <iostream>
#include <optional>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/codec/export.hpp"
#include "docket/codec/sarif.hpp"
#include "docket/core/error.hpp"
#include "docket/store/files.hpp"

namespace docket::cli {
namespace {

// One summary line: what was written, and every exception left out with why.
void report_export(const codec::ExportedText& exported, const core::SuppressionSelection& selection, codec::ExportFormat format) {
  for (const auto& why : exported.left_out)
    std::cerr << "docket: warning: left out of the " << codec::to_string(format) << " export: " << why << "\n";
  std::size_t accepted = 0;
  for (const auto& s : selection.suppressions) accepted += s.kind == core::SuppressionKind::accepted ? 1 : 0;
  std::cerr << "docket: exported " << exported.written << " of " << selection.suppressions.size() << " suppression"
            << (selection.suppressions.size() == 1 ? "" : "s") << " (" << accepted << " accepted, "
            << selection.suppressions.size() - accepted << " false positive"
            << (selection.suppressions.size() - accepted == 1 ? "" : "s") << ") as " << codec::to_string(format);
  if (!selection.without_source.empty()) {
    std::cerr << "; " << selection.without_source.size() << " exception" << (selection.without_source.size() == 1 ? "" : "s")
              << " in force with no scanner source skipped:";
    for (const auto& id : selection.without_source) std::cerr << " " << id.str();
  }
  std::cerr << "\n";
}

}  // namespace

void attach_export(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string format;
    std::string tool;
    std::optional<std::string> out;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--format", opts->format, "sarif, trivyignore or gitleaksignore")->type_name("FORMAT")->required();
  cmd.add_option("--tool", opts->tool, "Only the findings of this tool (source.tool, as ingest stored it)")->type_name("NAME");
  cmd.add_option("--out", opts->out, "Write to FILE (atomically) instead of standard output")->type_name("FILE");
  cmd.callback([&ctx, opts] {
    const auto format = codec::parse_export_format(opts->format);
    if (!format)
      throw Error(ExitCode::usage, "--format '" + opts->format + "' is not an export format",
                  "use one of: " + codec::export_format_names());
    const std::string tool = opts->tool.empty() ? std::string() : codec::scanner_tool_name(opts->tool);
    app::Session session(ctx.settings());
    const store::Snapshot snap = session.tip();
    const auto result = app::select_suppressions(session, snap, session.now(), tool);
    const codec::ExportedText exported = codec::write_export(*format, result.selection.suppressions);
    warn_unreadable(result.unreadable);
    if (opts->out && opts->out->empty())
      throw Error(ExitCode::usage, "--out needs a file name", "give --out FILE, or leave --out out (or give -) for standard output");
    if (!opts->out || *opts->out == "-") *ctx.out << exported.text;
    else store::write_output_file(*opts->out, exported.text);
    report_export(exported, result.selection, *format);
  });
}

}  // namespace docket::cli
