// docket member: add, remove and list the people (and CI jobs) who may act.
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/members.hpp"
#include "docket/codec/json.hpp"

namespace docket::cli {
namespace {

void print_members(CommandContext& ctx, const Policy& policy, bool json) {
  if (json) {
    *ctx.out << codec::to_json(policy)["members"].dump(2) << "\n";
    return;
  }
  std::string text;
  for (const auto& m : policy.members) {
    std::string roles;
    for (auto r : m.roles) roles += (roles.empty() ? "" : ",") + std::string(to_string(r));
    text += m.email.str() + "  " + roles + (m.name.empty() ? "" : "  " + m.name) + "\n";
  }
  print_human(*ctx.out, text);
}

}  // namespace

void attach_member(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);
  struct Options {
    std::string email, key, name;
    std::vector<std::string> roles;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();

  CLI::App* add = cmd.add_subcommand("add", "Add a member (or change a member's roles and key)");
  add->add_option("EMAIL", opts->email, "The member's e-mail (their git user.email)")->required();
  add->add_option("--key", opts->key, "Their OpenSSH public key file (*.pub)")->required();
  add->add_option("--role", opts->roles, "admin, approver, responder or reporter (repeatable)")->required();
  add->add_option("--name", opts->name, "Display name");
  add->add_flag("--json", opts->json, "Print the members as JSON");
  add->callback([&ctx, opts] {
    app::MemberAdd req;
    req.email = parse_email_option(opts->email, "EMAIL");
    req.name = opts->name;
    req.public_key = ctx.settings().cwd / opts->key;
    for (const auto& r : opts->roles) req.roles.insert(parse_role_option(r));
    app::Session session(ctx.settings());
    print_members(ctx, app::add_member(session, req), opts->json);
  });

  CLI::App* remove = cmd.add_subcommand("remove", "Remove a member and their key");
  remove->add_option("EMAIL", opts->email, "The member's e-mail")->required();
  remove->add_flag("--json", opts->json, "Print the members as JSON");
  remove->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    print_members(ctx, app::remove_member(session, parse_email_option(opts->email, "EMAIL")), opts->json);
  });

  CLI::App* list = cmd.add_subcommand("list", "List members and their roles");
  list->add_flag("--json", opts->json, "Print the members as JSON");
  list->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    print_members(ctx, app::load_config(session.tip()).policy, opts->json);
  });
}

}  // namespace docket::cli
