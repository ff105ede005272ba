#include "filter_options.hpp"

#include "command_support.hpp"
#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

namespace docket::cli {

std::shared_ptr<FilterOptions> add_filter_options(CLI::App& cmd) {
  auto o = std::make_shared<FilterOptions>();
  cmd.add_option("--state", o->states, "Only exceptions in this state (repeat for any of several)")->type_name("STATE");
  cmd.add_option("--severity", o->severities, "Only exceptions of this severity (repeat for any of several)")
      ->type_name("SEVERITY");
  cmd.add_option("--owner", o->owner, "Only exceptions EMAIL owns")->type_name("EMAIL");
  cmd.add_option("--assignee", o->assignee, "Only exceptions assigned to EMAIL")->type_name("EMAIL");
  cmd.add_flag("--mine", o->mine, "Only exceptions you own or are assigned (you: DOCKET_ACTOR_EMAIL or git config user.email)");
  cmd.add_option("--template", o->template_name, "Only exceptions opened from template T")->type_name("T");
  cmd.add_option("--identity", o->identity, "Only exceptions about this identity, KIND:NAME")->type_name("KIND:NAME");
  cmd.add_option("--system", o->system, "Only exceptions whose identity lives on system S")->type_name("S");
  cmd.add_option("--tool", o->tool, "Only exceptions found by scanner T")->type_name("T");
  cmd.add_flag("--overdue", o->overdue, "Only exceptions past their SLA due date (check's sla-breach)");
  o->expiring_flag = cmd.add_option("--expiring", o->expiring,
                                    "Only acceptances expiring within DURATION (default: the policy's expiring_soon)")
                         ->type_name("[DURATION]")
                         ->expected(0, 1);
  cmd.add_flag("--expired", o->expired, "Only acceptances past their expiry (check's expired)");
  cmd.add_option("--grep", o->grep, "Only exceptions whose title, identity or a comment holds TEXT (ignoring case)")
      ->type_name("TEXT");
  return o;
}

core::ExceptionFilter parse_filter(const FilterOptions& opts) {
  core::ExceptionFilter f;
  for (const auto& s : opts.states) f.states.push_back(parse_state_option(s));
  for (const auto& s : opts.severities) f.severities.push_back(parse_severity_option(s));
  if (!opts.owner.empty()) f.owner = parse_email_option(opts.owner, "--owner");
  if (!opts.assignee.empty()) f.assignee = parse_email_option(opts.assignee, "--assignee");
  if (!opts.template_name.empty()) f.template_name = opts.template_name;
  if (!opts.identity.empty()) f.identity = parse_identity_option(opts.identity, "--identity");
  if (!opts.system.empty()) f.system = opts.system;
  if (!opts.tool.empty()) f.tool = opts.tool;
  f.overdue = opts.overdue;
  f.expired = opts.expired;
  if (opts.expiring_flag && opts.expiring_flag->count() > 0 && !opts.expiring.empty()) {
    const auto window = parse_duration(opts.expiring);
    if (!window || *window > kLongestPolicyDuration)
      throw Error(ExitCode::usage, "--expiring '" + opts.expiring + "' is not a duration",
                  "give a positive duration such as 30d, 2w, 72h or 1d12h (at most 100 years), or no value for the "
                  "policy's expiring_soon window");
    f.expiring = *window;
  }
  f.grep = opts.grep;
  return f;
}

void complete_filter(const FilterOptions& opts, core::ExceptionFilter& filter, app::Session& session, Duration policy_window) {
  if (opts.mine) {
    try {
      filter.mine = session.actor().email;
    } catch (const Error& e) {
      throw Error(e.code(), std::string("--mine needs to know who you are: ") + e.what(), e.hint());
    }
  }
  if (opts.expiring_flag && opts.expiring_flag->count() > 0 && opts.expiring.empty()) filter.expiring = policy_window;
  // A mistyped template would select nothing, and `check` would then pass: name the ones there are.
  if (!opts.template_name.empty()) {
    const auto config = app::load_config(session.tip());
    if (!config.templates.count(opts.template_name)) {
      std::string names;
      for (const auto& [name, t] : config.templates) names += (names.empty() ? "" : ", ") + name;
      throw Error(ExitCode::usage, "--template '" + opts.template_name + "' is not a template of this store",
                  "use one of: " + (names.empty() ? std::string("(none)") : names));
    }
  }
}

}  // namespace docket::cli
