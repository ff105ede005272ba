// docket team: the named groups templates route new exceptions to (admin changes them).
#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/administration.hpp"

namespace docket::cli {
namespace {

void print_teams(CommandContext& ctx, const core::StoreSettings& settings) {
  std::string text;
  for (const auto& [name, members] : settings.policy.teams) {
    std::string list, routed;
    for (const auto& m : members) list += (list.empty() ? "" : ", ") + m.str();
    for (const auto& [template_name, t] : settings.templates)
      if (std::find(t.route_to.begin(), t.route_to.end(), name) != t.route_to.end())
        routed += (routed.empty() ? "" : ", ") + template_name;
    text += name + "  " + (list.empty() ? "(no members)" : list) + "\n";
    if (!routed.empty()) text += "    templates  " + routed + "\n";
  }
  if (text.empty()) text = "no teams (docket team add TEAM EMAIL)\n";
  print_human(*ctx.out, text);
}

}  // namespace

void attach_team(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);
  struct Options {
    std::string team, email;
  };
  auto opts = std::make_shared<Options>();

  CLI::App* list = cmd.add_subcommand("list", "List the teams, their members and the templates that route to them");
  list->callback([&ctx] {
    app::Session session(ctx.settings());
    const auto settings = app::store_settings(app::load_config(session.tip()));
    ctx.page();
    print_teams(ctx, settings);
  });

  const auto change = [&ctx, opts](bool add) {
    app::Session session(ctx.settings());
    const Email email = parse_email_option(opts->email, "EMAIL");
    const core::Administration a = add ? core::Administration{core::TeamAdd{opts->team, email}}
                                       : core::Administration{core::TeamRemove{opts->team, email}};
    const auto outcome = app::administer(session, a);
    if (!outcome.commit) {
      print_human(*ctx.out, email.str() + " is already in team " + opts->team + ": nothing to commit\n");
      return;
    }
    print_teams(ctx, outcome.after);
  };
  CLI::App* add = cmd.add_subcommand("add", "Add a member to a team, creating the team (admin only)");
  add->add_option("TEAM", opts->team, "The team's name (security, platform, ...)")->required();
  add->add_option("EMAIL", opts->email, "A member of the store")->required();
  add->callback([change] { change(true); });

  CLI::App* remove = cmd.add_subcommand("remove", "Remove a member from a team; an emptied team goes (admin only)");
  remove->add_option("TEAM", opts->team, "The team's name")->required();
  remove->add_option("EMAIL", opts->email, "The member to remove from it")->required();
  remove->callback([change] { change(false); });
}

}  // namespace docket::cli
