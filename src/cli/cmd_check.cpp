// docket check: the CI gate. Lists expired acceptances, SLA breaches, overdue post-closure
// reviews and acceptances expiring soon; exits 1 when a finding's kind is in the policy's fail_on.
#include <cctype>
#include <map>
#include <sstream>

#include "cli.hpp"
#include "docket/codec/json.hpp"
#include "docket/core/display.hpp"
#include "command_support.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/core/findings.hpp"
#include "docket/core/time.hpp"
#include "render.hpp"
#include "filter_options.hpp"

namespace docket::cli {
namespace {

std::vector<std::string> email_texts(const std::vector<Email>& emails) {
  std::vector<std::string> out;
  for (const auto& e : emails) out.push_back(e.str());
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The findings as JSON (docs/schema/check.schema.json): each finding names its record by id; the
// records themselves are the record objects (codec::to_json) under `exceptions`, each once.
void render_check_json(std::ostream& out, const std::vector<core::Finding>& findings, const std::vector<Record>& records,
                       const std::vector<core::UnreadableRecord>& unreadable, const Policy& policy, Timestamp at, bool failed) {
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json counts = nlohmann::json::object();
  for (const auto kind : core::kFindingKinds) counts[std::string(core::to_string(kind))] = 0;
  for (const auto& f : findings) {
    counts[std::string(core::to_string(f.kind))] = counts[std::string(core::to_string(f.kind))].get<int>() + 1;
    list.push_back({{"kind", core::to_string(f.kind)},
                    {"id", f.id.str()},
                    {"detail", f.detail},
                    {"at", f.at ? nlohmann::json(format_rfc3339(*f.at)) : nlohmann::json(nullptr)},
                    {"fails_build", core::fails_build(f.kind, policy)}});
  }
  nlohmann::json exceptions = nlohmann::json::array();
  for (const auto& r : records) exceptions.push_back(codec::to_json(r));
  nlohmann::json unreadable_list = nlohmann::json::array();
  for (const auto& u : unreadable) unreadable_list.push_back({{"path", u.path}, {"reason", u.reason}, {"fails_build", true}});
  out << nlohmann::json{{"schema_version", codec::kJsonSchemaVersion},
                        {"at", format_rfc3339(at)},
                        {"failed", failed},
                        {"unreadable", std::move(unreadable_list)},
                        {"fail_on", policy.fail_on},
                        {"escalation", email_texts(policy.escalation)},
                        {"counts", std::move(counts)},
                        {"findings", std::move(list)},
                        {"exceptions", std::move(exceptions)}}
             .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
}

std::string render_check_text(const std::vector<core::Finding>& findings, const std::map<ExceptionId, const core::RecordSummary*>& by_id,
                              const std::vector<core::UnreadableRecord>& unreadable, const Policy& policy, Timestamp at,
                              bool failed, const Screen& screen) {
  std::ostringstream out;
  for (const auto& u : unreadable)
    out << screen.paint(Style::bold_red, "UNREADABLE (fails)") << "  " << core::display_line(u.path) << "\n  " << core::display_line(u.reason)
        << "\n  docket cannot judge this record: run docket verify, and have an admin repair it\n";
  const std::string escalation =
      policy.escalation.empty() ? "no escalation owners in docket.yaml" : join(email_texts(policy.escalation));
  for (const auto& f : findings) {
    const core::RecordSummary& r = *by_id.at(f.id);
    const bool fails = core::fails_build(f.kind, policy);
    out << screen.paint(fails ? Style::bold_red : Style::yellow, upper(core::to_string(f.kind)) + (fails ? " (fails)" : ""))
        << "  " << screen.paint(Style::bold, f.id.str()) << "  " << core::display_line(r.title) << "\n"
        << "  " << core::display_line(f.detail) << "\n"
        << "  owners: " << (r.owners.empty() ? "none" : join(email_texts(r.owners)))
        << (r.assignee ? "; assignee: " + r.assignee->str() : "") << (fails ? "; escalate to: " + escalation : "")
        << "\n";
  }
  std::map<core::FindingKind, int> counts;
  for (const auto& f : findings) ++counts[f.kind];
  std::vector<std::string> parts;
  for (const auto kind : core::kFindingKinds)
    if (counts[kind]) parts.push_back(std::to_string(counts[kind]) + " " + std::string(core::to_string(kind)));
  out << (findings.empty() && unreadable.empty() ? "" : "\n")
      << (failed ? screen.paint(Style::bold_red, "FAILED") : screen.paint(Style::green, "ok")) << ": " << findings.size()
      << " finding" << (findings.size() == 1 ? "" : "s") << (parts.empty() ? "" : " (" + join(parts) + ")")
      << (unreadable.empty() ? "" : ", " + std::to_string(unreadable.size()) + " unreadable record" + (unreadable.size() == 1 ? "" : "s"))
      << " at "
      << screen.time(at) << "; fail_on: "
      << (policy.fail_on.empty() ? "nothing" : join({policy.fail_on.begin(), policy.fail_on.end()})) << "\n";
  if (failed) out << "escalate to: " << escalation << "\n";
  return out.str();
}

}  // namespace

void attach_check(CLI::App& cmd, CommandContext& ctx) {
  struct Options {
    std::string at;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  cmd.add_option("--at", opts->at, "Judge at this time: RFC 3339, or a duration from now such as 14d (default: now)")
      ->type_name("TIME");
  cmd.add_flag("--json", opts->json, "Print the findings as JSON");
  auto filter_opts = add_filter_options(cmd);
  cmd.callback([&ctx, opts, filter_opts] {
    core::ExceptionFilter filter = parse_filter(*filter_opts);
    app::Session session(ctx.settings());
    const store::Snapshot snap = session.tip();
    const Policy policy = app::load_config(snap).policy;
    const Timestamp at = opts->at.empty() ? session.now() : parse_time_option(opts->at, "--at", session.now());
    complete_filter(*filter_opts, filter, session, policy.expiring_soon);
    const auto result = app::check_exceptions(session, snap, policy, at, filter);
    const auto& findings = result.findings;
    const bool failed = core::fails_build(findings, policy, result.unreadable.size());
    ctx.exit_code = failed ? 1 : 0;
    std::map<ExceptionId, const core::RecordSummary*> by_id;
    for (const auto& [id, r] : result.records) by_id[id] = &r;
    if (opts->json) {
      // The records the findings name, whole (read from the store: only the few with findings).
      std::vector<Record> records;
      for (const auto& [id, summary] : result.records) records.push_back(app::load_record(snap, id));
      render_check_json(*ctx.out, findings, records, result.unreadable, policy, at, failed);
    } else {
      print_human(*ctx.out, render_check_text(findings, by_id, result.unreadable, policy, at, failed, ctx.screen()));
    }
  });
}

}  // namespace docket::cli
