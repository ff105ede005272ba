// docket open: open an exception (idempotent with --fingerprint).
#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/core/error.hpp"

#include <tuple>

namespace docket::cli {

void attach_open(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string title, template_name, severity, identity, system, fingerprint, tool, rule, location;
    std::vector<std::string> owners;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--title", opts->title, "One-line summary")->required();
  cmd.add_option("--template", opts->template_name, "Workflow template (default generic)");
  cmd.add_option("--severity", opts->severity, "critical, high, medium or low (default: the template's)");
  cmd.add_option("--identity", opts->identity, "The identity concerned, KIND:NAME (e.g. service-account:svc-billing)");
  cmd.add_option("--system", opts->system, "Where the identity lives (e.g. gcp/acme-prod)");
  cmd.add_option("--owner", opts->owners, "An owner's e-mail (repeatable)");
  cmd.add_option("--fingerprint", opts->fingerprint, "Stable finding id: an open exception with it is returned, not duplicated");
  cmd.add_option("--tool", opts->tool, "The detecting tool");
  cmd.add_option("--rule", opts->rule, "The tool's rule id");
  cmd.add_option("--location", opts->location, "Where it was found (file:line, resource)");
  cmd.add_flag("--json", opts->json, "Print the record as JSON");
  cmd.callback([&ctx, opts] {
    app::OpenRequest req;
    req.title = opts->title;
    if (!opts->template_name.empty()) req.template_name = opts->template_name;
    if (!opts->severity.empty()) req.severity = parse_severity_option(opts->severity);
    if (!opts->identity.empty()) req.identity = parse_identity_option(opts->identity, "--identity");
    req.identity.system = opts->system;
    for (const auto& o : opts->owners) req.owners.push_back(parse_email_option(o, "--owner"));
    req.source = Source{opts->tool, opts->rule, opts->fingerprint, opts->location};
    app::Session session(ctx.settings());
    const auto result = app::open_exception(session, req);
    if (opts->json) {
      print_record(ctx, result.record, true, session.now());
    } else {
      *ctx.out << result.record.id.str() << "\n";
      if (!result.created) std::cerr << "docket: an open exception with this fingerprint exists; nothing new was opened\n";
    }
  });
}

}  // namespace docket::cli
