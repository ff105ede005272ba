// Workflow templates (templates/<name>.yaml), read from any commit of a store.
// Checks: every refusal is docket::Error; an accepted template writes canonical YAML that reads
// back as the same template and writes again as the same text; its JSON renders.

#include "docket/codec/json.hpp"
#include "docket/codec/yaml.hpp"
#include "fuzz_support.hpp"

using namespace docket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto found = fuzz::accepted([&] { return codec::template_from_yaml(fuzz::as_text(data, size), "t.yaml"); });
  if (!found) return 0;
  const std::string canonical = codec::template_to_yaml(*found);
  const Template again = codec::template_from_yaml(canonical, "canonical.yaml");
  FUZZ_CHECK(again == *found);
  FUZZ_CHECK(codec::template_to_yaml(again) == canonical);
  (void)codec::to_json(*found).dump();
  return 0;
}
