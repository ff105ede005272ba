// docket member: add, remove and list the people (and CI jobs) who may act.
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/members.hpp"
#include "docket/codec/json.hpp"
#include "docket/crypto/ssh_key.hpp"

namespace docket::cli {
namespace {

nlohmann::json key_json(const crypto::SshPublicKey& key) {
  return {{"type", key.type}, {"label", key.label()}, {"bits", key.bits()}, {"fingerprint", key.fingerprint()}};
}

void print_members(CommandContext& ctx, const app::StoreConfig& config, bool json) {
  const std::vector<app::MemberListing> listing = app::list_members(config);
  if (json) {
    nlohmann::json members = codec::to_json(config.policy)["members"];
    for (std::size_t i = 0; i < listing.size() && i < members.size(); ++i) {
      members[i]["key"] = listing[i].key ? key_json(*listing[i].key) : nlohmann::json(nullptr);
      nlohmann::json revoked = nlohmann::json::array();
      for (const auto& key : listing[i].revoked_keys) revoked.push_back(key_json(key));
      members[i]["revoked_keys"] = std::move(revoked);
    }
    *ctx.out << codec::json_document("members", std::move(members)).dump(2) << "\n";
    return;
  }
  std::string text;
  for (const auto& entry : listing) {
    const Member& m = entry.member;
    std::string roles;
    for (auto r : m.roles) roles += (roles.empty() ? "" : ",") + std::string(to_string(r));
    text += m.email.str() + "  " + roles + (m.name.empty() ? "" : "  " + m.name) + "\n";
    if (entry.key)
      text += "    key      " + entry.key->label() + " " + std::to_string(entry.key->bits()) + "  " + entry.key->fingerprint() + "\n";
    for (const auto& key : entry.revoked_keys)
      text += "    revoked  " + key.label() + " " + std::to_string(key.bits()) + "  " + key.fingerprint() + "\n";
  }
  print_human(*ctx.out, text);
}

void print_current(CommandContext& ctx, app::Session& session, bool json) {
  print_members(ctx, app::load_config(session.tip()), json);
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
    app::add_member(session, req);
    print_current(ctx, session, opts->json);
  });

  CLI::App* remove = cmd.add_subcommand("remove", "Remove a member and their key");
  remove->add_option("EMAIL", opts->email, "The member's e-mail")->required();
  remove->add_flag("--json", opts->json, "Print the members as JSON");
  remove->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    app::remove_member(session, parse_email_option(opts->email, "EMAIL"));
    print_current(ctx, session, opts->json);
  });

  CLI::App* key = cmd.add_subcommand("key", "Give a member a new key; the old one is revoked for good");
  key->add_option("EMAIL", opts->email, "The member's e-mail")->required();
  key->add_option("--key", opts->key, "Their new OpenSSH public key file (*.pub)")->required();
  key->add_flag("--json", opts->json, "Print the members as JSON");
  key->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    app::rotate_member_key(session, parse_email_option(opts->email, "EMAIL"), ctx.settings().cwd / opts->key);
    print_current(ctx, session, opts->json);
  });

  CLI::App* list = cmd.add_subcommand("list", "List members, their roles and keys (and keys revoked from them)");
  list->add_flag("--json", opts->json, "Print the members as JSON");
  list->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    print_current(ctx, session, opts->json);
  });
}

}  // namespace docket::cli
