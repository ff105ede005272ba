// The command table: every command docket has, in the order `docket --help` lists them. Man
// pages and completions are checked against this table by tests/integration/test_docs.sh.
#include "cli.hpp"

namespace docket::cli {

void attach_init(CLI::App&, CommandContext&);
void attach_open(CLI::App&, CommandContext&);
void attach_show(CLI::App&, CommandContext&);
void attach_list(CLI::App&, CommandContext&);
void attach_edit(CLI::App&, CommandContext&);
void attach_assign(CLI::App&, CommandContext&);
void attach_escalate(CLI::App&, CommandContext&);
void attach_move(CLI::App&, CommandContext&);
void attach_attach(CLI::App&, CommandContext&);
void attach_done(CLI::App&, CommandContext&);
void attach_request(CLI::App&, CommandContext&);
void attach_approve(CLI::App&, CommandContext&);
void attach_deny(CLI::App&, CommandContext&);
void attach_revoke(CLI::App&, CommandContext&);
void attach_renew(CLI::App&, CommandContext&);
void attach_reopen(CLI::App&, CommandContext&);
void attach_review(CLI::App&, CommandContext&);
void attach_comment(CLI::App&, CommandContext&);
void attach_member(CLI::App&, CommandContext&);
void attach_policy(CLI::App&, CommandContext&);
void attach_team(CLI::App&, CommandContext&);
void attach_template(CLI::App&, CommandContext&);
void attach_verify(CLI::App&, CommandContext&);
void attach_log(CLI::App&, CommandContext&);
void attach_ingest(CLI::App&, CommandContext&);
void attach_sync(CLI::App&, CommandContext&);
void attach_completion(CLI::App&, CommandContext&);
void attach_check(CLI::App&, CommandContext&);
void attach_report(CLI::App&, CommandContext&);
void attach_export(CLI::App&, CommandContext&);
void attach_help(CLI::App&, CommandContext&);

namespace {
// The groups `docket help` and `docket --help` list commands under, in this order (kGroups).
constexpr const char* kGLifecycle = "Lifecycle";
constexpr const char* kGReading = "Reading";
constexpr const char* kGAudit = "Audit";
constexpr const char* kGCI = "CI";
constexpr const char* kGAdministration = "Administration";
}  // namespace

const std::vector<const char*>& command_groups() {
  static const std::vector<const char*> groups{kGLifecycle, kGReading, kGAudit, kGCI, kGAdministration};
  return groups;
}

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table{
      {"init", kGAdministration, "Create a docket store (and the repository if needed)", attach_init},
      {"open", kGLifecycle, "Open an exception", attach_open},
      {"show", kGReading, "Show one exception", attach_show},
      {"list", kGReading, "List exceptions", attach_list},
      {"edit", kGLifecycle, "Change an exception's title, severity, identity, system or owners", attach_edit},
      {"assign", kGLifecycle, "Assign an exception to a member", attach_assign},
      {"escalate", kGLifecycle, "Escalate an exception to the escalation owners", attach_escalate},
      {"move", kGLifecycle, "Move an exception along the lifecycle", attach_move},
      {"attach", kGLifecycle, "Attach evidence files", attach_attach},
      {"done", kGLifecycle, "Complete a checklist item that needs no evidence", attach_done},
      {"request", kGLifecycle, "Request approval of a resolution", attach_request},
      {"approve", kGLifecycle, "Approve the current request", attach_approve},
      {"deny", kGLifecycle, "Deny the current request", attach_deny},
      {"revoke", kGLifecycle, "Revoke an accepted exception", attach_revoke},
      {"renew", kGLifecycle, "Request renewal of an accepted exception", attach_renew},
      {"reopen", kGLifecycle, "Reopen a closed exception", attach_reopen},
      {"review", kGLifecycle, "Record the post-closure review", attach_review},
      {"comment", kGLifecycle, "Comment on an exception", attach_comment},
      {"member", kGAdministration, "Manage members, roles and keys", attach_member},
      {"policy", kGAdministration, "Show the store policy, or change one setting: SLAs, approvals, durations, fail_on", attach_policy},
      {"team", kGAdministration, "Manage the teams templates route new exceptions to", attach_team},
      {"template", kGAdministration, "List, show, add, update or remove workflow templates", attach_template},
      {"verify", kGAudit, "Verify every commit of the store from its trust root", attach_verify},
      {"log", kGAudit, "Show one exception's history with signature status", attach_log},
      {"ingest", kGCI, "Open exceptions from scanner reports and identity findings (SARIF, gitleaks, trufflehog, Access Analyzer, Prowler, GitHub, trivy)", attach_ingest},
      {"sync", kGAdministration, "Exchange the store with a git remote: fetch, merge (signed), push", attach_sync},
      {"completion", kGAdministration, "Complete a command line (for the scripts in completions/)", attach_completion},
      {"check", kGCI, "Report expired acceptances, SLA breaches and overdue reviews (the CI gate)", attach_check},
      {"report", kGReading, "Summarise the exceptions as Markdown, JSON, CSV or HTML", attach_report},
      {"export", kGCI, "Write the exceptions in force as scanner suppressions (SARIF, trivyignore, gitleaksignore)", attach_export},
      {"help", kGAdministration, "Show the commands, or one command's options: docket help [COMMAND...]", attach_help},
  };
  return table;
}

}  // namespace docket::cli
