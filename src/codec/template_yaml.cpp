// Workflow templates (`templates/<name>.yaml`) ⇄ canonical YAML, keys in the order of
// core/template.hpp.

#include "docket/codec/yaml.hpp"
#include "yaml_document.hpp"
#include "yaml_reader.hpp"
#include "yaml_writer.hpp"

namespace docket::codec {
namespace {

using detail::CanonicalWriter;
using detail::Field;
using detail::FieldMap;
using detail::read_text;

void write_checklist(CanonicalWriter& w, const std::vector<TemplateItem>& checklist) {
  if (checklist.empty()) return;
  w.key("checklist");
  w.begin_list();
  for (const auto& item : checklist) {
    w.begin_map();
    w.text_field("id", item.id);
    w.text_field("text", item.text);
    w.plain_field("evidence", item.evidence_required ? "required" : "none");
    w.end_map();
  }
  w.end_list();
}

TemplateItem read_item(const Field& field) {
  const FieldMap fields = field.fields({"id", "text", "evidence"});
  TemplateItem item;
  item.id = fields.required("id").name();
  item.text = fields.required("text").text();
  if (const auto evidence = fields.optional("evidence")) item.evidence_required = evidence->evidence_required();
  return item;
}

}  // namespace

std::string template_to_yaml(const Template& t) {
  CanonicalWriter w;
  w.begin_map();
  w.text_field("name", t.name);
  w.text_field_unless_empty("description", t.description);
  w.plain_field("severity", to_string(t.severity));
  w.text_field_unless_empty("identity_kind", t.identity_kind);
  w.text_list_unless_empty("route_to", t.route_to);
  w.text_list_unless_empty("frameworks", t.frameworks);
  write_checklist(w, t.checklist);
  w.end_map();
  return w.finish();
}

Template template_from_yaml(std::string_view text, std::string_view source) {
  const detail::YamlDocument document = detail::parse_yaml_document(text, source);
  const FieldMap fields = detail::top_level_fields(
      document, "a workflow template",
      {"name", "description", "severity", "identity_kind", "route_to", "frameworks", "checklist"});
  Template t;
  t.name = fields.required("name").name();
  t.description = fields.text_or_empty("description");
  t.severity = fields.required("severity").severity();
  t.identity_kind = fields.text_or_empty("identity_kind");
  t.route_to = fields.list_or_empty("route_to", read_text);
  t.frameworks = fields.list_or_empty("frameworks", read_text);
  if (const auto checklist = fields.optional("checklist"))
    t.checklist = detail::list_with_unique_ids(*checklist, read_item);
  return t;
}

}  // namespace docket::codec
