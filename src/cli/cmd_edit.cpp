// docket edit: correct an exception's title, severity, identity, system or owners.
#include <algorithm>
#include <iostream>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/core/error.hpp"

namespace docket::cli {

void attach_edit(CLI::App& cmd, CommandContext& ctx) {
  auto opts = add_record_options(cmd);
  struct Extra {
    std::string title, severity, identity, system;
    std::vector<std::string> add_owners, remove_owners;
    CLI::Option* title_opt = nullptr;
    CLI::Option* severity_opt = nullptr;
    CLI::Option* identity_opt = nullptr;
    CLI::Option* system_opt = nullptr;
  };
  auto extra = std::make_shared<Extra>();
  extra->title_opt = cmd.add_option("--title", extra->title, "New one-line summary");
  extra->severity_opt =
      cmd.add_option("--severity", extra->severity, "critical, high, medium or low; the SLA due date follows");
  extra->identity_opt = cmd.add_option("--identity", extra->identity, "The identity concerned, KIND:NAME");
  extra->system_opt = cmd.add_option("--system", extra->system, "Where the identity lives ('' clears it)");
  cmd.add_option("--add-owner", extra->add_owners, "An owner's e-mail to add (repeatable)");
  cmd.add_option("--remove-owner", extra->remove_owners, "An owner's e-mail to remove (repeatable)");
  cmd.callback([&ctx, opts, extra] {
    core::Edit edit;
    if (extra->title_opt->count()) edit.title = extra->title;
    if (extra->severity_opt->count()) edit.severity = parse_severity_option(extra->severity);
    if (extra->identity_opt->count()) {
      const Identity identity = parse_identity_option(extra->identity, "--identity");
      edit.identity = core::Edit::Name{identity.kind, identity.name};
    }
    if (extra->system_opt->count()) edit.system = extra->system;
    for (const auto& o : extra->add_owners) edit.add_owners.push_back(parse_email_option(o, "--add-owner"));
    for (const auto& o : extra->remove_owners) edit.remove_owners.push_back(parse_email_option(o, "--remove-owner"));
    if (edit.empty())
      throw Error(ExitCode::usage, "docket edit needs something to change",
                  "give at least one of --title, --severity, --identity, --system, --add-owner, --remove-owner "
                  "(see docket edit --help)");
    for (const auto& e : edit.add_owners)
      if (std::find(edit.remove_owners.begin(), edit.remove_owners.end(), e) != edit.remove_owners.end())
        throw Error(ExitCode::usage, e.str() + " is given with both --add-owner and --remove-owner",
                    "give it with one of them");
    app::Session session(ctx.settings());
    bool unchanged = false;
    const Record record = app::edit_exception(session, opts->id, edit, &unchanged);
    if (unchanged)
      std::cerr << "docket: " << record.id.str() << " already has every value given; nothing was committed\n";
    print_record(ctx, record, opts->json, session.now());
  });
}

}  // namespace docket::cli
