// Exception records ⇄ canonical YAML (docs/design.md §3). Keys are written in the order of the
// fields in core/record.hpp; a field is omitted only when it is empty and absence reads back as
// the same empty value, so `record_from_yaml(record_to_yaml(r)) == r`.

#include "docket/codec/yaml.hpp"
#include "docket/core/time.hpp"
#include "yaml_document.hpp"
#include "yaml_reader.hpp"
#include "yaml_writer.hpp"

namespace docket::codec {
namespace {

using detail::CanonicalWriter;
using detail::Field;
using detail::FieldMap;
using detail::read_digest;
using detail::read_email;
using detail::read_exception_id;
using detail::read_text;

// ---- writing ----

// `at` and `by` as two keys of the mapping being written (approvals, comments, events…).
void write_stamp_keys(CanonicalWriter& w, const Stamp& stamp) {
  w.time_field("at", stamp.at);
  w.email_field("by", stamp.by);
}

// `key: {at, by}` as a nested mapping (opened, evidence.added, requests.requested…).
void write_stamp(CanonicalWriter& w, std::string_view key, const Stamp& stamp) {
  w.key(key);
  w.begin_map();
  write_stamp_keys(w, stamp);
  w.end_map();
}

void write_identity(CanonicalWriter& w, const Identity& identity) {
  if (identity.empty()) return;
  w.key("identity");
  w.begin_map();
  w.text_field_unless_empty("kind", identity.kind);
  w.text_field_unless_empty("name", identity.name);
  w.text_field_unless_empty("system", identity.system);
  w.end_map();
}

void write_source(CanonicalWriter& w, const Source& source) {
  if (source.empty()) return;
  w.key("source");
  w.begin_map();
  w.text_field_unless_empty("tool", source.tool);
  w.text_field_unless_empty("rule", source.rule);
  w.text_field_unless_empty("fingerprint", source.fingerprint);
  w.text_field_unless_empty("location", source.location);
  w.time_field_if_set("missing_since", source.missing_since);
  w.text_field_unless_empty("tool_fingerprint", source.tool_fingerprint);
  w.end_map();
}

void write_digests(CanonicalWriter& w, std::string_view key, const std::vector<Sha256Digest>& digests) {
  if (digests.empty()) return;
  w.key(key);
  w.begin_list();
  for (const auto& digest : digests) w.plain(digest.str());
  w.end_list();
}

void write_checklist(CanonicalWriter& w, const std::vector<ChecklistItem>& checklist) {
  if (checklist.empty()) return;
  w.key("checklist");
  w.begin_list();
  for (const auto& item : checklist) {
    w.begin_map();
    w.text_field("id", item.id);
    w.text_field("text", item.text);
    w.plain_field("evidence", item.evidence_required ? "required" : "none");
    if (item.done) {
      w.key("done");
      w.begin_map();
      write_stamp_keys(w, item.done->stamp);
      write_digests(w, "evidence", item.done->evidence);
      w.text_field_unless_empty("note", item.done->note);
      w.end_map();
    }
    w.end_map();
  }
  w.end_list();
}

void write_evidence(CanonicalWriter& w, const std::vector<Evidence>& evidence) {
  if (evidence.empty()) return;
  w.key("evidence");
  w.begin_list();
  for (const auto& file : evidence) {
    w.begin_map();
    w.plain_field("digest", file.digest.str());
    w.text_field_unless_empty("name", file.name);
    w.key("size");
    w.number(file.size);
    w.text_field_unless_empty("media_type", file.media_type);
    write_stamp(w, "added", file.added);
    w.text_field_unless_empty("note", file.note);
    w.end_map();
  }
  w.end_list();
}

void write_requests(CanonicalWriter& w, const std::vector<Request>& requests) {
  if (requests.empty()) return;
  w.key("requests");
  w.begin_list();
  for (const auto& request : requests) {
    w.begin_map();
    w.key("round");
    w.number(request.round);
    w.plain_field("resolution", to_string(request.resolution));
    w.text_field_unless_empty("reason", request.reason);
    w.time_field_if_set("expires", request.expires);
    w.text_list_unless_empty("controls", request.controls);
    write_stamp(w, "requested", request.requested);
    w.end_map();
  }
  w.end_list();
}

void write_approvals(CanonicalWriter& w, const std::vector<Approval>& approvals) {
  if (approvals.empty()) return;
  w.key("approvals");
  w.begin_list();
  for (const auto& approval : approvals) {
    w.begin_map();
    w.key("round");
    w.number(approval.round);
    w.plain_field("decision", to_string(approval.decision));
    write_stamp_keys(w, approval.stamp);
    w.text_field_unless_empty("note", approval.note);
    w.end_map();
  }
  w.end_list();
}

void write_outcome(CanonicalWriter& w, const std::optional<Outcome>& outcome) {
  if (!outcome) return;
  w.key("outcome");
  w.begin_map();
  w.plain_field("resolution", to_string(outcome->resolution));
  write_stamp_keys(w, outcome->decided);
  w.text_field_unless_empty("reason", outcome->reason);
  w.time_field_if_set("expires", outcome->expires);
  w.end_map();
}

void write_review(CanonicalWriter& w, const Review& review) {
  if (review == Review{}) return;
  w.key("review");
  w.begin_map();
  w.time_field_if_set("due", review.due);
  if (review.done) write_stamp(w, "done", *review.done);
  w.text_field_unless_empty("note", review.note);
  w.end_map();
}

void write_comments(CanonicalWriter& w, const std::vector<Comment>& comments) {
  if (comments.empty()) return;
  w.key("comments");
  w.begin_list();
  for (const auto& comment : comments) {
    w.begin_map();
    write_stamp_keys(w, comment.stamp);
    w.text_field("text", comment.text);
    w.end_map();
  }
  w.end_list();
}

void write_events(CanonicalWriter& w, const std::vector<Event>& events) {
  if (events.empty()) return;
  w.key("events");
  w.begin_list();
  for (const auto& event : events) {
    w.begin_map();
    write_stamp_keys(w, event.stamp);
    w.text_field("action", event.action);
    w.text_field_unless_empty("detail", event.detail);
    w.end_map();
  }
  w.end_list();
}

// ---- reading ----

Stamp read_stamp_keys(const FieldMap& fields) {
  return Stamp{fields.required("at").timestamp(), fields.required("by").email()};
}

Stamp read_stamp(const Field& field) { return read_stamp_keys(field.fields({"at", "by"})); }

Identity read_identity(const Field& field) {
  const FieldMap fields = field.fields({"kind", "name", "system"});
  return Identity{fields.text_or_empty("kind"), fields.text_or_empty("name"), fields.text_or_empty("system")};
}

Source read_source(const Field& field) {
  const FieldMap fields = field.fields({"tool", "rule", "fingerprint", "location", "missing_since", "tool_fingerprint"});
  Source source{fields.text_or_empty("tool"), fields.text_or_empty("rule"), fields.text_or_empty("fingerprint"),
                fields.text_or_empty("location")};
  if (const auto missing = fields.optional("missing_since")) source.missing_since = missing->timestamp();
  source.tool_fingerprint = fields.text_or_empty("tool_fingerprint");
  return source;
}

Completion read_completion(const Field& field) {
  const FieldMap fields = field.fields({"at", "by", "evidence", "note"});
  Completion done;
  done.stamp = read_stamp_keys(fields);
  done.evidence = fields.list_or_empty("evidence", read_digest);
  done.note = fields.text_or_empty("note");
  return done;
}

ChecklistItem read_checklist_item(const Field& field) {
  const FieldMap fields = field.fields({"id", "text", "evidence", "done"});
  ChecklistItem item;
  item.id = fields.required("id").name();
  item.text = fields.required("text").text();
  if (const auto evidence = fields.optional("evidence")) item.evidence_required = evidence->evidence_required();
  if (const auto done = fields.optional("done")) item.done = read_completion(*done);
  return item;
}

Evidence read_evidence(const Field& field) {
  const FieldMap fields = field.fields({"digest", "name", "size", "media_type", "added", "note"});
  Evidence file;
  file.digest = fields.required("digest").digest();
  file.name = fields.text_or_empty("name");
  file.size = fields.required("size").byte_count();
  file.media_type = fields.text_or_empty("media_type");
  file.added = read_stamp(fields.required("added"));
  file.note = fields.text_or_empty("note");
  return file;
}

// Rounds number requests and renewals; a bound keeps arithmetic on them far from overflow.
constexpr int kMaxRound = 1000000;

Request read_request(const Field& field) {
  const FieldMap fields = field.fields({"round", "resolution", "reason", "expires", "controls", "requested"});
  Request request;
  request.round = fields.required("round").integer(1, kMaxRound);
  request.resolution = fields.required("resolution").resolution();
  request.reason = fields.text_or_empty("reason");
  if (const auto expires = fields.optional("expires")) request.expires = expires->timestamp();
  request.controls = fields.list_or_empty("controls", read_text);
  request.requested = read_stamp(fields.required("requested"));
  return request;
}

Approval read_approval(const Field& field) {
  const FieldMap fields = field.fields({"round", "decision", "at", "by", "note"});
  Approval approval;
  approval.round = fields.required("round").integer(1, kMaxRound);
  approval.decision = fields.required("decision").decision();
  approval.stamp = read_stamp_keys(fields);
  approval.note = fields.text_or_empty("note");
  return approval;
}

Outcome read_outcome(const Field& field) {
  const FieldMap fields = field.fields({"resolution", "at", "by", "reason", "expires"});
  Outcome outcome;
  outcome.resolution = fields.required("resolution").resolution();
  outcome.decided = read_stamp_keys(fields);
  outcome.reason = fields.text_or_empty("reason");
  if (const auto expires = fields.optional("expires")) outcome.expires = expires->timestamp();
  return outcome;
}

Review read_review(const Field& field) {
  const FieldMap fields = field.fields({"due", "done", "note"});
  Review review;
  if (const auto due = fields.optional("due")) review.due = due->timestamp();
  if (const auto done = fields.optional("done")) review.done = read_stamp(*done);
  review.note = fields.text_or_empty("note");
  return review;
}

Comment read_comment(const Field& field) {
  const FieldMap fields = field.fields({"at", "by", "text"});
  return Comment{read_stamp_keys(fields), fields.required("text").text()};
}

Event read_event(const Field& field) {
  const FieldMap fields = field.fields({"at", "by", "action", "detail"});
  return Event{read_stamp_keys(fields), fields.required("action").text(), fields.text_or_empty("detail")};
}

}  // namespace

std::string record_to_yaml(const Record& r) {
  CanonicalWriter w;
  w.begin_map();
  w.plain_field("id", r.id.str());
  w.text_field("title", r.title);
  w.text_field_unless_empty("template", r.template_name);
  w.plain_field("state", to_string(r.state));
  w.plain_field("severity", to_string(r.severity));
  write_identity(w, r.identity);
  w.email_list_unless_empty("owners", r.owners);
  if (r.assignee) w.email_field("assignee", *r.assignee);
  write_stamp(w, "opened", r.opened);
  write_source(w, r.source);
  w.time_field_if_set("due", r.due);
  w.text_list_unless_empty("frameworks", r.frameworks);
  write_checklist(w, r.checklist);
  write_evidence(w, r.evidence);
  write_requests(w, r.requests);
  write_approvals(w, r.approvals);
  write_outcome(w, r.outcome);
  write_review(w, r.review);
  if (!r.recurrence_of.empty()) {
    w.key("recurrence_of");
    w.begin_list();
    for (const auto& id : r.recurrence_of) w.plain(id.str());
    w.end_list();
  }
  write_comments(w, r.comments);
  write_events(w, r.events);
  w.end_map();
  return w.finish();
}

Record record_from_yaml(std::string_view text, std::string_view source) {
  const detail::YamlDocument document = detail::parse_yaml_document(text, source);
  const FieldMap fields =
      detail::top_level_fields(document, "an exception record",
                               {"id",       "title",     "template", "state",  "severity",      "identity",  "owners",
                                "assignee", "opened",    "source",   "due",    "frameworks",    "checklist", "evidence",
                                "requests", "approvals", "outcome",  "review", "recurrence_of", "comments",  "events"});
  Record r;
  r.id = fields.required("id").exception_id();
  r.title = fields.required("title").text();
  if (const auto name = fields.optional("template")) r.template_name = name->name();
  r.state = fields.required("state").state();
  r.severity = fields.required("severity").severity();
  if (const auto identity = fields.optional("identity")) r.identity = read_identity(*identity);
  r.owners = fields.list_or_empty("owners", read_email);
  if (const auto assignee = fields.optional("assignee")) r.assignee = assignee->email();
  r.opened = read_stamp(fields.required("opened"));
  if (const auto origin = fields.optional("source")) r.source = read_source(*origin);
  if (const auto due = fields.optional("due")) r.due = due->timestamp();
  r.frameworks = fields.list_or_empty("frameworks", read_text);
  if (const auto checklist = fields.optional("checklist"))
    r.checklist = detail::list_with_unique_ids(*checklist, read_checklist_item);
  r.evidence = fields.list_or_empty("evidence", read_evidence);
  r.requests = fields.list_or_empty("requests", read_request);
  r.approvals = fields.list_or_empty("approvals", read_approval);
  if (const auto outcome = fields.optional("outcome")) r.outcome = read_outcome(*outcome);
  if (const auto review = fields.optional("review")) r.review = read_review(*review);
  r.recurrence_of = fields.list_or_empty("recurrence_of", read_exception_id);
  r.comments = fields.list_or_empty("comments", read_comment);
  r.events = fields.list_or_empty("events", read_event);
  return r;
}

}  // namespace docket::codec
