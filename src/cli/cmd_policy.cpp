// docket policy: show the store policy, and change one setting of it (admin only).
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/administration.hpp"
#include "docket/codec/json.hpp"
#include "docket/core/time.hpp"

namespace docket::cli {
namespace {

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

void print_policy(CommandContext& ctx, const Policy& policy, bool json) {
  if (json) {
    *ctx.out << codec::json_document("policy", codec::to_json(policy)).dump(2) << "\n";
    return;
  }
  std::string text;
  for (const auto& key : core::policy_keys())
    text += padded(std::string(key.key), 20) + padded(core::policy_value(policy, key.key) + "  ", 14) + std::string(key.meaning) + "\n";
  text += "\n" + padded("id_prefix", 20) + policy.id_prefix + "\n";
  text += padded("teams", 20) + (policy.teams.empty() ? "none (docket team add TEAM EMAIL)" : "");
  bool first = true;
  for (const auto& [name, members] : policy.teams) {
    std::string list;
    for (const auto& m : members) list += (list.empty() ? "" : ", ") + m.str();
    text += (first ? "" : std::string(20, ' ')) + name + ": " + list + "\n";
    first = false;
  }
  if (policy.teams.empty()) text += "\n";
  text += padded("members", 20) + std::to_string(policy.members.size()) + " (docket member list)\n";
  if (!policy.ingest.empty())
    text += padded("ingest", 20) + std::to_string(policy.ingest.templates.size() + policy.ingest.severities.size()) +
            " rule mappings (docs/ingest.md)\n";
  print_human(*ctx.out, text);
}

}  // namespace

void attach_policy(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);
  struct Options {
    std::string key, value;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();

  CLI::App* show = cmd.add_subcommand("show", "Show every policy setting, its value and what it governs");
  show->add_flag("--json", opts->json, "Print the policy as JSON");
  show->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    const app::StoreConfig config = app::load_config(session.tip());
    ctx.page();
    print_policy(ctx, config.policy, opts->json);
  });

  CLI::App* set = cmd.add_subcommand("set", "Change one policy setting (admin only; one signed commit)");
  set->add_option("KEY", opts->key, "The setting: sla.SEVERITY, approvals.SEVERITY, max_acceptance, review_after, "
                                    "expiring_soon, clock_skew, max_evidence_size, fail_on, escalation")
      ->required();
  set->add_option("VALUE", opts->value, "Its new value (docket policy show gives each key's allowed values)")->required();
  set->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    const auto outcome = app::administer(session, core::PolicySet{opts->key, opts->value});
    const std::string before = core::policy_value(outcome.before.policy, opts->key);
    const std::string after = core::policy_value(outcome.after.policy, opts->key);
    if (!outcome.commit)
      print_human(*ctx.out, opts->key + " is already " + after + ": nothing to commit\n");
    else
      print_human(*ctx.out, opts->key + ": " + before + " -> " + after + " (commit " + outcome.commit->hex.substr(0, 12) + ")\n");
  });
}

}  // namespace docket::cli
