// Record YAML (exceptions/<2>/<ID>.yaml), read from any commit of a store.
// Checks: every refusal is docket::Error; an accepted record writes canonical YAML that reads
// back as the same record and writes again as the same text (codec/yaml.hpp: read(write(r)) ==
// r); its JSON renders; its summary survives the record index's folder file unchanged.

#include "docket/codec/index_file.hpp"
#include "docket/codec/json.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/summary.hpp"
#include "fuzz_support.hpp"

using namespace docket;

namespace {

void check_index_entry(const Record& record) {
  const std::string tree(40, 'e');
  const std::string json = codec::to_json(record).dump();
  const core::RecordSummary summary = core::summarize(record);
  const std::string file =
      codec::encode_index_folder(tree, {{record.id.str() + ".yaml", std::string(40, 'b'), summary, json}});
  const auto folder = codec::IndexFolder::parse(file, tree);
  FUZZ_CHECK(folder && folder->entries().size() == 1);
  const auto& entry = folder->entries().front();
  FUZZ_CHECK(codec::IndexFolder::summary(entry) == summary);
  FUZZ_CHECK(entry.opened == summary.opened.at && entry.state == summary.state && entry.title == summary.title);
  FUZZ_CHECK(entry.due == summary.due && entry.review_due == summary.review_due);
  FUZZ_CHECK(codec::IndexFolder::json_matches(entry, file.substr(folder->json_section_offset() + entry.json_offset, entry.json_size)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto record = fuzz::accepted([&] { return codec::record_from_yaml(fuzz::as_text(data, size), "fuzz.yaml"); });
  if (!record) return 0;
  const std::string canonical = codec::record_to_yaml(*record);
  const Record again = codec::record_from_yaml(canonical, "canonical.yaml");
  FUZZ_CHECK(again == *record);
  FUZZ_CHECK(codec::record_to_yaml(again) == canonical);
  check_index_entry(*record);
  return 0;
}
