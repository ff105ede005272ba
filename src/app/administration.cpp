#include "docket/app/administration.hpp"

#include <array>

#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"
#include "docket/store/files.hpp"

namespace docket::app {

Template read_template_file(const std::filesystem::path& file) {
  store::InputFile in = [&] {
    try {
      return store::InputFile::open_regular(file, "template file");
    } catch (const Error& e) {
      // open_regular's hints speak of evidence (attach a folder as an archive, copy a device).
      if (e.code() != ExitCode::usage) throw;
      throw Error(ExitCode::usage, e.what(), "give the template's YAML file: docket template show generic prints one to start from");
    }
  }();
  if (in.size() > codec::max_yaml_bytes)
    throw Error(ExitCode::usage,
                file.string() + " is " + std::to_string(in.size()) + " bytes, more than a template may be (" +
                    std::to_string(codec::max_yaml_bytes) + ")",
                "a template is a short YAML file: see docket template show generic");
  std::string text;
  std::array<char, 1 << 14> buffer{};
  while (const std::size_t n = in.read(buffer)) {
    text.append(buffer.data(), n);
    if (text.size() > codec::max_yaml_bytes)
      throw Error(ExitCode::usage, file.string() + " grew past " + std::to_string(codec::max_yaml_bytes) + " bytes while read",
                  "give a template file nobody is writing to");
  }
  return codec::template_from_yaml(text, file.string());
}

core::StoreSettings store_settings(const StoreConfig& config) { return {config.policy, config.templates}; }

std::vector<ExceptionId> exceptions_using_template(const std::vector<core::RecordSummary>& summaries, const std::string& name) {
  std::vector<ExceptionId> ids;
  for (const auto& s : summaries)
    if (s.state != State::closed && s.template_name == name) ids.push_back(s.id);
  return ids;
}

std::vector<store::Change> administration_changes(const core::StoreSettings& after, const core::Administration& a) {
  if (const auto* add = std::get_if<core::TemplateAdd>(&a))
    return {{template_path(add->added.name), codec::template_to_yaml(after.templates.at(add->added.name))}};
  if (const auto* update = std::get_if<core::TemplateUpdate>(&a))
    return {{template_path(update->updated.name), codec::template_to_yaml(after.templates.at(update->updated.name))}};
  if (const auto* remove = std::get_if<core::TemplateRemove>(&a)) return {{template_path(remove->name), store::Removal{}}};
  return {{std::string(kPolicyPath), codec::policy_to_yaml(after.policy)}};
}

namespace {
struct NothingChanges {};
}  // namespace

AdministrationOutcome administer(Session& session, const core::Administration& a) {
  AdministrationOutcome outcome;
  try {
    outcome.commit = session.commit([&](const store::Snapshot& snap) -> Session::Commit {
    const StoreConfig config = load_config(snap);
    session.check_signer_allowed(config);
    outcome.before = store_settings(config);
    std::vector<ExceptionId> in_use;
    if (const auto* remove = std::get_if<core::TemplateRemove>(&a))
      in_use = exceptions_using_template(session.index().summaries(snap), remove->name);
    try {
      outcome.after = core::administer(outcome.before, a, core::Context{session.actor().email, session.now(), config.policy}, in_use);
    } catch (const RuleViolation& v) {
      if (v.rule() != core::kChangesNothingRule) throw;
      throw NothingChanges{};
    }
    return {administration_changes(outcome.after, a), codec::admin_message(a)};
    });
  } catch (const NothingChanges&) {
    outcome.after = outcome.before;
    outcome.commit.reset();
  }
  return outcome;
}

}  // namespace docket::app
