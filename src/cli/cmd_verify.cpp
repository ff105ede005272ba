// docket verify: check the whole history from the trust root; exit 1 on any violation.
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "docket/codec/json.hpp"
#include "command_support.hpp"
#include "docket/app/verify.hpp"

namespace docket::cli {

void attach_verify(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string root;
    std::string tip;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--root", opts->root, "Require this root commit, a full id (default: the one recorded at init or first verify)");
  cmd.add_option("--tip", opts->tip, "Require the ref to be at exactly this commit, a full id (pins the state CI or an auditor expects)");
  cmd.add_flag("--json", opts->json, "Print the report as JSON");
  cmd.callback([&ctx, opts] {
    app::Session session(ctx.settings());
    app::VerifyOptions options;
    if (!opts->root.empty()) options.root = opts->root;
    if (!opts->tip.empty()) options.tip = opts->tip;
    const bool show_progress = isatty(2) && !opts->json;
    const auto report = app::verify_store(session, options, [&](std::size_t done, std::size_t total) {
      if (show_progress && (done % 50 == 0 || done == total)) std::cerr << "\rverifying " << done << "/" << total << " commits" << std::flush;
    });
    if (show_progress) std::cerr << "\r\033[K";
    ctx.exit_code = report.ok() ? 0 : 1;
    if (opts->json) {
      nlohmann::json violations = nlohmann::json::array();
      for (const auto& v : report.violations)
        violations.push_back({{"commit", v.commit}, {"record", v.record}, {"rule", v.rule}, {"message", v.message}});
      *ctx.out << nlohmann::json{{"schema_version", codec::kJsonSchemaVersion},
                                 {"ok", report.ok()},
                                 {"root", report.root},
                                 {"root_recorded_now", report.root_recorded_now},
                                 {"tip", report.tip},
                                 {"tip_recorded", report.tip_recorded_now},
                                 {"commits", report.commits},
                                 {"record_changes", report.record_changes},
                                 {"records", report.records},
                                 {"evidence", report.evidence},
                                 {"violations", violations}}
                      .dump(2)
               << "\n";
      return;
    }
    std::string text;
    for (const auto& v : report.violations)
      text += "violation: commit " + v.commit.substr(0, 12) + (v.record.empty() ? "" : " record " + v.record) + " rule " + v.rule +
              ": " + v.message + "\n";
    if (report.root_recorded_now) text += "trust root " + report.root + " recorded in git config (first verify of this store)\n";
    text += std::string(report.ok() ? "ok" : "FAILED") + ": " + std::to_string(report.commits) + " commits, " +
            std::to_string(report.record_changes) + " record changes, " + std::to_string(report.records) + " records, " +
            std::to_string(report.evidence) + " evidence blobs checked; " + std::to_string(report.violations.size()) +
            " violation" + (report.violations.size() == 1 ? "" : "s") + "\n";
    print_human(*ctx.out, text);
  });
}

}  // namespace docket::cli
