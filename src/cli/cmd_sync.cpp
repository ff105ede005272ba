// docket sync [REMOTE]: fetch, fast-forward or merge (signed), push; retry when someone pushed first.
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "docket/codec/json.hpp"
#include "command_support.hpp"
#include "docket/app/sync.hpp"

namespace docket::cli {

void attach_sync(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string remote = "origin";
    bool drop_local = false;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("REMOTE", opts->remote, "A remote configured in this repository (default: origin)");
  cmd.add_flag("--drop-local", opts->drop_local,
               "Take the remote's store as it is (after verifying it), discarding local commits it does not have");
  cmd.add_flag("--json", opts->json, "Print the summary as JSON");
  cmd.callback([&ctx, opts] {
    app::Session session(ctx.settings());
    app::SyncOptions options;
    options.remote = opts->remote;
    options.drop_local = opts->drop_local;
    const auto report = app::sync_store(session, options);
    if (opts->json) {
      nlohmann::json merged = nlohmann::json::array();
      for (const auto& id : report.merged_records) merged.push_back(id.str());
      *ctx.out << nlohmann::json{{"schema_version", codec::kJsonSchemaVersion},
                                 {"remote", report.remote},
                                 {"tracking_ref", report.tracking_ref},
                                 {"remote_had_store", report.remote_had_store},
                                 {"up_to_date", report.up_to_date},
                                 {"fast_forwarded", report.fast_forwarded},
                                 {"dropped", report.dropped},
                                 {"merges", report.merges},
                                 {"pushed", report.pushed},
                                 {"commits_in", report.commits_in},
                                 {"commits_out", report.commits_out},
                                 {"attempts", report.attempts},
                                 {"merged_records", merged},
                                 {"root_recorded_now", report.root_recorded_now},
                                 {"tip", report.tip}}
                      .dump(2)
               << "\n";
      return;
    }
    std::string text;
    if (report.root_recorded_now) text += "trust root recorded in git config (first sync of this store)\n";
    if (report.up_to_date) {
      text += "up to date with " + report.remote + "\n";
    } else {
      if (!report.remote_had_store) text += report.remote + " had no store yet: published this one\n";
      if (report.fast_forwarded) text += "fast-forwarded to " + report.remote + "\n";
      if (report.merges > 0) {
        text += "merged with " + report.remote + " (" + std::to_string(report.merges) + " signed merge commit" +
                (report.merges == 1 ? "" : "s");
        if (!report.merged_records.empty()) {
          text += "; records merged:";
          for (const auto& id : report.merged_records) text += " " + id.str();
        }
        text += ")\n";
      }
      if (report.pushed) text += "pushed to " + report.remote + "\n";
    }
    text += std::to_string(report.commits_in) + " commit" + (report.commits_in == 1 ? "" : "s") + " in, " +
            std::to_string(report.commits_out) + " out; now at " + report.tip.substr(0, 12) + "\n";
    print_human(*ctx.out, text);
  });
}

}  // namespace docket::cli
