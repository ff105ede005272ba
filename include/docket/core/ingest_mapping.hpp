#pragma once
// Which template and severity a scanner finding opens with (docs/ingest.md, "Templates and
// severities"). One precedence, used by `docket ingest` only:
//
//   template: --template-map (the rule, then `*`) > docket.yaml `ingest.templates` (`TOOL:RULE`,
//             then `RULE`) > the built-in default (builtin_template) when the store has that
//             template > none (the store's default template, `generic`).
//   severity: docket.yaml `ingest.severities` (`TOOL:RULE`, then `RULE`) > the report's own
//             severity > none (the template's default severity).

#include <map>
#include <optional>
#include <string>

#include "docket/core/policy.hpp"
#include "docket/core/scan.hpp"
#include "docket/core/template.hpp"

namespace docket::core {

// The built-in template for a finding, before any mapping: leaked-secret for secret findings;
// excessive-privilege for every AWS IAM Access Analyzer finding (external, internal and unused
// access all grant an identity more than it uses or should have) and for Prowler's IAM checks
// (check id starting `iam_`, or a resource type naming IAM, e.g. `AwsIamRole`); else none.
std::optional<std::string> builtin_template(const ScanFinding& finding);

// The `ingest.templates` / `ingest.severities` entry for `finding`: the `TOOL:RULE` key, else the
// `RULE` key, else nothing.
const std::string* mapped_template(const IngestMapping& mapping, const ScanFinding& finding);
std::optional<Severity> mapped_severity(const IngestMapping& mapping, const ScanFinding& finding);

// The template `finding` opens with, by the precedence above. `run_map` is --template-map
// (rule → template, `*` for every other rule); `store_templates` the store's templates, which
// decide whether a built-in default applies (mapped names are checked where they are read).
std::optional<std::string> choose_template(const ScanFinding& finding, const std::map<std::string, std::string>& run_map,
                                           const IngestMapping& mapping,
                                           const std::map<std::string, Template>& store_templates);

// The severity `finding` opens with, by the precedence above (none: the template decides).
std::optional<Severity> choose_severity(const ScanFinding& finding, const IngestMapping& mapping);

}  // namespace docket::core
