// docket attach: add evidence files (streamed, hashed, scanned for secrets).
#include <iostream>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"

namespace docket::cli {

void attach_attach(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::vector<std::string> files;
    std::string item, note;
    bool allow_secret = false;
  };
  auto extra = std::make_shared<Extra>();
  cmd.add_option("FILE", extra->files, "Evidence files")->required();
  cmd.add_option("--item", extra->item, "Checklist item this evidence completes");
  cmd.add_option("--note", extra->note, "What the evidence shows");
  cmd.add_flag("--allow-secret", extra->allow_secret, "Store a file even though it looks like it holds a secret");
  cmd.callback([&ctx, opts, extra] {
    app::AttachRequest req;
    for (const auto& f : extra->files) req.files.emplace_back(ctx.settings().cwd / f);
    if (!extra->item.empty()) req.item = extra->item;
    req.note = extra->note;
    req.allow_secret = extra->allow_secret;
    app::Session session(ctx.settings());
    bool already_held = false;
    const Record record = app::attach_evidence(session, opts->id, req, &already_held);
    if (already_held)
      std::cerr << "docket: " << record.id.str() << " already holds this evidence; nothing was committed\n";
    print_record(ctx, record, opts->json, session.now());
  });
}

}  // namespace docket::cli
