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
                                 {"admin", result.admin.str()}}
                      .dump(2)
               << "\n";
      return;
    }
    *ctx.out << (result.created_repository ? "created repository " : "using repository ") << result.git_dir.string() << "\n"
             << "initialized docket store " << result.ref << " at root commit " << result.root.hex << "\n"
             << result.admin.str() << " is admin and approver; add others with: docket member add EMAIL --key KEY.pub --role ROLE\n";
  });
}

}  // namespace docket::cli
