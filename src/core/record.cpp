#include <algorithm>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"

namespace docket {

const ChecklistItem* Record::find_item(std::string_view item_id) const {
  for (const auto& item : checklist)
    if (item.id == item_id) return &item;
  return nullptr;
}

bool Record::has_evidence(const Sha256Digest& d) const {
  return std::any_of(evidence.begin(), evidence.end(), [&](const Evidence& e) { return e.digest == d; });
}

const Member* Policy::find_member(const Email& e) const {
  for (const auto& m : members)
    if (m.email == e) return &m;
  return nullptr;
}

bool Policy::has_role(const Email& e, Role r) const {
  const Member* m = find_member(e);
  return m && m->roles.count(r) > 0;
}

}  // namespace docket
