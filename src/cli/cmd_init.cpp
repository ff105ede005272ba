// docket init: create the store (and the repository, when the folder has none).
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "docket/codec/json.hpp"
#include "docket/app/init.hpp"

namespace docket::cli {

void attach_init(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string prefix = "EX";
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--prefix", opts->prefix, "Id prefix for new exceptions (default EX)");
  cmd.add_flag("--json", opts->json, "Print the result as JSON");
  cmd.callback([&ctx, opts] {
    const auto result = app::init_store(ctx.settings(), app::InitOptions{opts->prefix});
    if (opts->json) {
      *ctx.out << nlohmann::json{{"schema_version", codec::kJsonSchemaVersion},
                                 {"repository", result.git_dir.string()},
                                 {"ref", result.ref},
                                 {"root", result.root.hex},
                                 {"created_repository", result.created_repository},
                                 {"admin", result.admin.str()},
                                 {"head", result.head_moved_to ? nlohmann::json(*result.head_moved_to) : nlohmann::json()},
                                 {"ref_guard",
                                  {{"state", app::to_string(result.guard.state)},
                                   {"hook", result.guard.hook.empty() ? nlohmann::json() : nlohmann::json(result.guard.hook.string())},
                                   {"script", result.guard.script.empty() ? nlohmann::json() : nlohmann::json(result.guard.script.string())}}}}
                      .dump(2)
               << "\n";
      return;
    }
    *ctx.out << (result.created_repository ? "created repository " : "using repository ") << result.git_dir.string() << "\n"
             << "initialized docket store " << result.ref << " at root commit " << result.root.hex << "\n"
             << result.admin.str() << " is admin and approver; add others with: docket member add EMAIL --key KEY.pub --role ROLE\n";
    if (result.head_moved_to)
      *ctx.out << "note: HEAD named " << result.ref << "; it now names " << *result.head_moved_to
               << " (a work tree never holds the store: read it with docket list or git log " << result.ref << ")\n";
    using app::RefGuardState;
    switch (result.guard.state) {
      case RefGuardState::hooks_path_set:
      case RefGuardState::other_hook:
        *ctx.out << "note: " << result.ref << " is not guarded against plain git commits in this work tree: "
                 << (result.guard.state == RefGuardState::other_hook ? "a reference-transaction hook that is not docket's is at "
                                                                     : "core.hooksPath is set, so docket leaves ")
                 << result.guard.hook.string() << (result.guard.state == RefGuardState::other_hook ? "" : " alone")
                 << "; to guard it, run docket's guard " << result.guard.script.string()
                 << " from that hook with the hook's argument and standard input (docket-init(1), THE REF GUARD)\n";
        break;
      default: break;
    }
  });
}

}  // namespace docket::cli
