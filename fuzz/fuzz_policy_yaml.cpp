// The store policy (docket.yaml), read from any commit of a store.
// Checks: every refusal is docket::Error; an accepted policy writes canonical YAML that reads
// back as the same policy and writes again as the same text; its JSON renders.

#include "docket/codec/json.hpp"
#include "docket/codec/yaml.hpp"
#include "fuzz_support.hpp"

using namespace docket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto policy = fuzz::accepted([&] { return codec::policy_from_yaml(fuzz::as_text(data, size), "docket.yaml"); });
  if (!policy) return 0;
  const std::string canonical = codec::policy_to_yaml(*policy);
  const Policy again = codec::policy_from_yaml(canonical, "canonical.yaml");
  FUZZ_CHECK(again == *policy);
  FUZZ_CHECK(codec::policy_to_yaml(again) == canonical);
  (void)codec::to_json(*policy).dump();
  return 0;
}
