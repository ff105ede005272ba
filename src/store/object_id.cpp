#include <array>

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store::detail {

std::string to_hex(const git_oid& oid) {
  std::array<char, GIT_OID_HEXSZ + 1> text{};
  git_oid_tostr(text.data(), text.size(), &oid);
  return text.data();
}

git_oid to_oid(const ObjectId& id) {
  git_oid oid{};
  if (id.hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, id.hex.data(), id.hex.size()) < 0)
    throw Error(ExitCode::store, "'" + id.hex + "' is not a full git object id",
                "give all " + std::to_string(GIT_OID_HEXSZ) + " hex digits");
  return oid;
}

void require_valid_ref_name(const std::string& ref) {
  int valid = 0;
  // git_reference_name_is_valid accepts one-level names such as HEAD; docket's ref must live
  // under refs/ so that it is fetched, pushed and listed like any branch.
  if (ref.rfind("refs/", 0) != 0 || git_reference_name_is_valid(&valid, ref.c_str()) < 0 || !valid)
    throw Error(ExitCode::usage, "'" + ref + "' is not a valid git reference name",
                "use a full name under refs/, such as refs/heads/docket");
}

}  // namespace docket::store::detail
