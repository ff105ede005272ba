#pragma once
// A workflow template (templates/<name>.yaml): defaults for a kind of exception and the
// checklist that must be done before a resolution may be requested.

#include <optional>
#include <string>
#include <vector>

#include "docket/core/types.hpp"

namespace docket {

struct TemplateItem {
  std::string id;
  std::string text;
  bool evidence_required = false;
  bool operator==(const TemplateItem&) const = default;
};

struct Template {
  std::string name;
  std::string description;
  Severity severity = Severity::medium;
  std::string identity_kind;          // default identity kind, may be empty
  std::vector<std::string> route_to;  // team names in the policy (security, platform…)
  std::vector<std::string> frameworks;
  std::vector<TemplateItem> checklist;
  bool operator==(const Template&) const = default;
};

}  // namespace docket
