#include "docket/app/exceptions.hpp"

#include <sys/random.h>

#include <algorithm>
#include <set>
#include <fstream>

#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/codec/json.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/store/files.hpp"
#include "docket/core/secrets.hpp"
#include "docket/core/suggest.hpp"
#include "docket/crypto/sha256.hpp"
#include "exception_support.hpp"

namespace docket::app {
namespace {

std::uint64_t random_u64() {
  std::uint64_t value = 0;
  if (getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value))
    throw Error(ExitCode::internal, "the system random number generator failed");
  return value;
}

}  // namespace

// Titles, fingerprints and notes come from people and scanners, and the store is forever.
// Every text field of `r` as typed, one per line: what the secret scan reads. (The YAML escapes
// quotes and tabs inside double-quoted text, which would hide a secret's surroundings.)
std::string record_texts(const Record& r) {
  std::string all;
  const auto add = [&](std::string_view text) {
    all.append(text);
    all.push_back('\n');
  };
  for (std::string_view text : {std::string_view(r.title), std::string_view(r.template_name), std::string_view(r.identity.kind),
                                std::string_view(r.identity.name), std::string_view(r.identity.system),
                                std::string_view(r.source.tool), std::string_view(r.source.rule),
                                std::string_view(r.source.fingerprint), std::string_view(r.source.location),
                                std::string_view(r.review.note)})
    add(text);
  for (const auto& f : r.frameworks) add(f);
  for (const auto& item : r.checklist) {
    add(item.id);
    add(item.text);
    if (item.done) add(item.done->note);
  }
  for (const auto& e : r.evidence) {
    add(e.name);
    add(e.note);
  }
  for (const auto& q : r.requests) {
    add(q.reason);
    for (const auto& c : q.controls) add(c);
  }
  for (const auto& a : r.approvals) add(a.note);
  if (r.outcome) add(r.outcome->reason);
  for (const auto& c : r.comments) add(c.text);
  for (const auto& e : r.events) {
    add(e.action);
    add(e.detail);
  }
  return all;
}

store::Change record_change(const Record& r) {
  std::string yaml = codec::record_to_yaml(r);
  auto secret = find_secret(record_texts(r));
  if (!secret) secret = find_secret(yaml);
  if (secret)
    throw Error(ExitCode::refused,
                "the record " + r.id.str() + " would contain something that looks like a live secret (" + secret->kind + ")",
                "remove the secret from titles, notes and fingerprints; store a hash or a reference instead");
  return store::Change{record_path(r.id), std::move(yaml)};
}


const Template* find_template(const StoreConfig& config, const std::optional<std::string>& name) {
  if (!name) {
    const auto it = config.templates.find("generic");
    return it == config.templates.end() ? nullptr : &it->second;
  }
  const auto it = config.templates.find(*name);
  if (it != config.templates.end()) return &it->second;
  std::vector<std::string> names;
  for (const auto& [n, t] : config.templates) names.push_back(n);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  const auto guess = closest_match(*name, names);
  throw Error(ExitCode::not_found, "no template '" + *name + "' in this store",
              guess ? "did you mean '" + *guess + "'? (templates: " + all + ")" : "templates: " + all);
}

namespace {

struct ReturnExisting {
  Record record;
};

}  // namespace

ExceptionId IdAllocator::next() {
  while (true) {
    ExceptionId id = make_exception_id(prefix_, random_u64());
    if (!given_.count(id) && !snap_.blob_id(record_path(id))) {
      given_.insert(id);
      return id;
    }
  }
}

PreparedOpen prepare_open(const StoreConfig& config, const core::RecurrenceLookup& earlier, IdAllocator& ids,
                          const OpenRequest& request, const core::Context& ctx) {
  core::OpenCommand cmd;
  cmd.id = ids.next();
  cmd.title = request.title;
  cmd.from_template = find_template(config, request.template_name);
  cmd.severity = request.severity;
  cmd.identity = request.identity;
  cmd.owners = request.owners;
  cmd.source = request.source;
  cmd.recurrence_of = earlier.find(request.identity, request.source.fingerprint);
  PreparedOpen prepared{core::open_record(cmd, ctx), {}};
  const codec::ReplayOpen replay{cmd.title,    cmd.from_template ? cmd.from_template->name : std::string{},
                                 cmd.severity, cmd.identity,
                                 cmd.owners,   cmd.source,
                                 cmd.recurrence_of};
  prepared.replay = codec::open_to_json(cmd.id, replay);
  return prepared;
}

OpenResult open_exception(Session& session, const OpenRequest& request) {
  Record created;
  try {
    session.commit([&](const store::Snapshot& snap) -> Session::Commit {
    const StoreConfig config = load_config(snap);
    session.check_signer_allowed(config);
    // Earlier records matter only for a fingerprint or an identity: without either, opening reads
    // nothing but the one path its new id takes.
    std::vector<core::RecordSummary> records;
    if (!request.source.fingerprint.empty() || !request.identity.name.empty()) records = session.index().summaries(snap);
    if (const auto* same = core::find_open_by_fingerprint(records, request.source.fingerprint))
      throw ReturnExisting{load_record(snap, same->id)};
    IdAllocator ids(snap, config.policy.id_prefix);
    PreparedOpen prepared = prepare_open(config, core::RecurrenceLookup(records), ids, request,
                                         core::Context{session.actor().email, session.now(), config.policy});
    created = prepared.record;
    return {{record_change(created)},
            codec::command_message("open", created.id, codec::command_summary(nullptr, nullptr, created), prepared.replay),
            {&created}};
    });
  } catch (ReturnExisting& same) {
    // Idempotent open: CI re-running a scan gets the exception it opened before.
    return OpenResult{std::move(same.record), false};
  }
  return OpenResult{created, true};
}

namespace {

// One lifecycle command on the record `query` names, as one transaction: re-read at every retry,
// refused by the same rules verify replays. `extra` are further paths the commit writes
// (evidence).
Record commit_command(Session& session, std::string_view query, const core::Command& command,
                      const std::vector<store::Change>& extra) {
  Record after;
  session.commit([&](const store::Snapshot& snap) -> Session::Commit {
    const StoreConfig config = load_config(snap);
    session.check_signer_allowed(config);
    const ExceptionId id = session.resolve_id(snap, query);
    const Record before = load_record(snap, id);
    after = core::apply(before, command, core::Context{session.actor().email, session.now(), config.policy});
    std::vector<store::Change> changes{record_change(after)};
    changes.insert(changes.end(), extra.begin(), extra.end());
    return {std::move(changes),
            codec::command_message(core::verb(command), id, codec::command_summary(&command, &before, after),
                                   codec::command_to_json(id, command)),
            {&after}};
  });
  return after;
}

}  // namespace

Record change_exception(Session& session, std::string_view query, const core::Command& command) {
  return commit_command(session, query, command, {});
}

namespace {

// Thrown out of a transaction whose edit changes nothing: no commit is made.
struct NothingToEdit {
  Record record;
};

}  // namespace

Record edit_exception(Session& session, std::string_view query, const core::Edit& edit, bool* unchanged) {
  if (unchanged) *unchanged = false;
  Record after;
  try {
    session.commit([&](const store::Snapshot& snap) -> Session::Commit {
      const StoreConfig config = load_config(snap);
      session.check_signer_allowed(config);
      const ExceptionId id = session.resolve_id(snap, query);
      const Record before = load_record(snap, id);
      // Only what changes is committed (and replayed); a closed exception is refused even when
      // nothing would change, so the answer does not depend on the values given.
      const core::Command command = core::effective_edit(before, edit);
      const core::Context ctx{session.actor().email, session.now(), config.policy};
      if (std::get<core::Edit>(command).empty() && before.state != State::closed) {
        core::require_role(ctx, core::role_needed(command));
        throw NothingToEdit{before};
      }
      after = core::apply(before, command, ctx);
      return {{record_change(after)},
              codec::command_message(core::verb(command), id, codec::command_summary(&command, &before, after),
                                     codec::command_to_json(id, command)),
              {&after}};
    });
  } catch (NothingToEdit& same) {
    if (unchanged) *unchanged = true;
    return std::move(same.record);
  }
  return after;
}

namespace {

// Files are read in chunks of this size: constant memory whatever the evidence size.
constexpr std::size_t kAttachChunk = 1 << 16;
// A spool file nobody wrote to for this long belongs to no live attach.
constexpr std::chrono::seconds kAbandonedBlobAge{3600};

}  // namespace

Record attach_evidence(Session& session, std::string_view query, const AttachRequest& request, bool* already_held) {
  if (already_held) *already_held = false;
  // Content goes into the object database first (outside the retry loop: blobs are immutable
  // and content-addressed, so a retry reuses them). Only the commit is retried.
  struct Stored {
    Evidence evidence;
    store::ObjectId blob;
  };
  // Every file is opened and checked before anything is written: regular files only, each within
  // the store's evidence size limit.
  // One verified tip for the checks before the commit (the commit itself starts from the tip
  // current then, as every command's does).
  const store::Snapshot tip = session.tip();
  const Policy policy = load_config(tip).policy;
  std::vector<store::InputFile> inputs;
  for (const auto& path : request.files) {
    inputs.push_back(store::InputFile::open_regular(path, "evidence file"));
    core::require_evidence_size(path.string(), inputs.back().size(), policy);
  }
  // What a killed attach left in the object directory (libgit2's spool) goes now.
  session.store().remove_abandoned_blob_files(kAbandonedBlobAge);
  std::vector<Stored> stored;
  std::vector<char> buffer(kAttachChunk);
  for (std::size_t f = 0; f < inputs.size(); ++f) {
    const std::filesystem::path& path = request.files[f];
    SecretScanner scanner;
    crypto::Sha256 hash;
    std::uint64_t size = 0;
    store::BlobWriter blob = session.store().blob_writer();
    while (const std::size_t got = inputs[f].read(buffer)) {
      const std::string_view chunk(buffer.data(), got);
      size += got;
      // The file may grow while it is read: the limit holds for what is stored.
      core::require_evidence_size(path.string(), size, policy);
      if (!request.allow_secret) scanner.feed(chunk);
      hash.update(chunk);
      blob.write(chunk);
    }
    scanner.finish();
    if (const auto& secret = scanner.finding())
      throw Error(ExitCode::refused,
                  path.string() + " looks like it contains a live secret (" + secret->kind + " at byte " +
                      std::to_string(secret->offset) + ")",
                  "redact it first, or pass --allow-secret if this is a revoked value that must be kept");
    Evidence e;
    e.digest = hash.finish();
    e.name = path.filename().string();
    e.size = size;
    e.media_type = std::string(kEvidenceMediaType);
    e.note = request.note;
    stored.push_back(Stored{e, blob.finish()});
  }
  // The same content named twice (`attach ID f f`, or two copies) is one piece of evidence.
  std::vector<Stored> unique;
  for (auto& s : stored)
    if (std::none_of(unique.begin(), unique.end(), [&](const Stored& u) { return u.evidence.digest == s.evidence.digest; }))
      unique.push_back(std::move(s));
  stored = std::move(unique);
  // Content the exception already holds, with no checklist item to complete, changes nothing:
  // no commit (a script that attaches again is idempotent).
  if (!request.item) {
    Record current = load_record(tip, session.resolve_id(tip, query));
    if (std::all_of(stored.begin(), stored.end(), [&](const Stored& s) { return current.has_evidence(s.evidence.digest); })) {
      if (already_held) *already_held = true;
      return current;
    }
  }
  core::Attach cmd;
  for (const auto& s : stored) cmd.files.push_back(s.evidence);
  cmd.item = request.item;
  cmd.note = request.note;
  std::vector<store::Change> blobs;
  for (const auto& s : stored) blobs.push_back(store::Change{evidence_path(s.evidence.digest), store::ExistingBlob{s.blob}});
  return commit_command(session, query, cmd, blobs);
}

Record show_exception(Session& session, std::string_view query) {
  const store::Snapshot snap = session.tip();
  return load_record(snap, session.resolve_id(snap, query));
}

namespace {

core::SortFields sort_fields(const core::RecordSummary& r) {
  return {r.opened.at, r.id.str(),
          shown_deadline(r.state, r.outcome ? std::optional(r.outcome->resolution) : std::nullopt, r.due,
                         r.outcome ? r.outcome->expires : std::nullopt),
          r.severity, r.state};
}
core::SortFields sort_fields(const codec::IndexRow& row) {
  return {row.opened, row.name.substr(0, row.name.size() - 5), shown_deadline(row.state, row.decided, row.due, row.expires),
          row.severity, row.state};
}
core::FilterRow filter_row(const codec::IndexRow& row) {
  return {row.state, row.severity, row.due, row.decided, row.expires, row.assignee};
}

// `items` in the order `filter` asks for, cut to its limit.
template <typename T>
void order_and_limit(std::vector<T>& items, const ListFilter& filter) {
  std::sort(items.begin(), items.end(),
            [&](const T& a, const T& b) { return core::sorts_before(filter.sort, sort_fields(a), sort_fields(b)); });
  if (filter.limit && items.size() > *filter.limit) items.resize(*filter.limit);
}

// The text `grep` as it appears inside a JSON string (the escapes of codec::to_json's dump), or
// nullopt when it cannot be spelt so (not UTF-8): a quick test of whether a record's JSON can
// hold it at all.
std::optional<std::string> json_spelling(const std::string& grep) {
  try {
    const std::string quoted = nlohmann::json(grep).dump();
    return quoted.substr(1, quoted.size() - 2);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

void list_on(Session& session, const store::Snapshot& snap, const ListFilter& filter,
             const std::function<void(std::size_t count, std::size_t id_width)>& layout,
             const std::function<void(const ListedException&)>& each) {
  const Timestamp now = session.now();
  if (!session.index().enabled() || core::needs_summary(filter.select)) {
    auto summaries = select_exceptions(session, snap, filter.select, now);
    order_and_limit(summaries, filter);
    std::size_t width = 0;
    for (const auto& r : summaries) width = std::max(width, r.id.str().size());
    layout(summaries.size(), width);
    for (const auto& r : summaries)
      each({r.id.str(), r.title, r.state, r.severity, r.due, r.assignee ? std::string_view(r.assignee->str()) : "", r.opened.at,
            r.outcome ? std::optional(r.outcome->resolution) : std::nullopt, r.outcome ? r.outcome->expires : std::nullopt});
    return;
  }
  session.index().with_table(snap, [&](const codec::IndexTable& table) {
    // Rows whose file name is not `<ID>.yaml` are not records (as for the full parse).
    const auto keeps = [&](const codec::IndexRow& row) {
      return core::matches_row(filter.select, filter_row(row), now) && record_file_id(row.name);
    };
    const auto emit = [&](const codec::IndexRow& row) {
      each({row.name.substr(0, row.name.size() - 5), row.title, row.state, row.severity, row.due, row.assignee, row.opened,
            row.decided, row.expires});
    };
    if (filter.sort != core::ListSort::opened) {
      // Another order: the kept rows are held (views into the table) and sorted.
      std::vector<codec::IndexRow> rows;
      table.for_each([&](const codec::IndexRow& row) {
        if (keeps(row)) rows.push_back(row);
      });
      order_and_limit(rows, filter);
      std::size_t width = 0;
      for (const auto& row : rows) width = std::max(width, row.name.size() - 5);
      layout(rows.size(), width);
      for (const auto& row : rows) emit(row);
      return;
    }
    // The table's own order: two passes, nothing held but one bit per row.
    const std::size_t limit = filter.limit.value_or(table.size());
    std::vector<bool> kept(table.size());
    std::size_t count = 0, width = 0, i = 0;
    table.for_each([&](const codec::IndexRow& row) {
      if (count < limit && keeps(row)) {
        kept[i] = true;
        ++count;
        width = std::max(width, row.name.size() - 5);
      }
      ++i;
    });
    layout(count, width);
    i = 0;
    table.for_each([&](const codec::IndexRow& row) {
      if (kept[i++]) emit(row);
    });
  });
}

}  // namespace

std::vector<core::RecordSummary> select_exceptions(Session& session, const store::Snapshot& snap,
                                                   const core::ExceptionFilter& filter, Timestamp at) {
  auto summaries = session.index().summaries(snap);
  if (core::is_empty(filter)) return summaries;
  std::vector<core::RecordSummary> candidates;  // in path order
  std::vector<bool> waits;                      // per candidate: whether its comments decide
  std::vector<ExceptionId> by_comments;         // the ids of those
  for (auto& r : summaries) {
    const auto match = core::matches(filter, r, at);
    if (match == core::FilterMatch::no) continue;
    if (match == core::FilterMatch::if_comments_match) by_comments.push_back(r.id);
    waits.push_back(match == core::FilterMatch::if_comments_match);
    candidates.push_back(std::move(r));
  }
  if (by_comments.empty()) return candidates;
  // The comments are in the record only: its JSON text is searched first (fast, from the index)
  // and the record parsed only when the text is there, to judge the comments themselves.
  std::set<ExceptionId> found;
  const auto spelling = json_spelling(filter.grep);
  session.index().stream_json_of(snap, by_comments, [&](std::string_view id, std::string_view json) {
    if (spelling && !core::contains_ignoring_case(json, *spelling)) return;
    const auto parsed = ExceptionId::parse(id);
    if (!parsed) return;
    if (core::comments_match(filter, load_record(snap, *parsed).comments)) found.insert(*parsed);
  });
  std::vector<core::RecordSummary> kept;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (!waits[i] || found.count(candidates[i].id)) kept.push_back(std::move(candidates[i]));
  return kept;
}

void list_exceptions(Session& session, const ListFilter& filter,
                     const std::function<void(std::size_t count, std::size_t id_width)>& layout,
                     const std::function<void(const ListedException&)>& each) {
  list_on(session, session.tip(), filter, layout, each);
}

CheckResult check_exceptions(Session& session, const store::Snapshot& snap, const Policy& policy, Timestamp at,
                             const core::ExceptionFilter& filter) {
  CheckResult out;
  const auto from_summaries = [&] {
    out = CheckResult{};
    auto summaries = select_exceptions(session, snap, filter, at);
    for (const auto& r : summaries) core::add_findings(core::finding_input(r), policy, at, out.findings);
    core::sort_findings(out.findings);
    std::set<ExceptionId> named;
    for (const auto& f : out.findings) named.insert(f.id);
    for (auto& r : summaries)
      if (named.count(r.id)) out.records.emplace(r.id, std::move(r));
  };
  if (!session.index().enabled() || core::needs_summary(filter)) {
    from_summaries();
    out.unreadable = session.index().unreadable();
    return out;
  }
  session.index().with_table(snap, [&](const codec::IndexTable& table) {
    table.for_each([&](const codec::IndexRow& e) {
      if (!core::matches_row(filter, filter_row(e), at)) return;
      auto id = record_file_id(e.name);
      if (!id) return;
      core::add_findings({std::move(*id), e.state, e.severity, e.due, e.decided, e.expires, e.review_due, e.review_done},
                         policy, at, out.findings);
    });
  });
  core::sort_findings(out.findings);
  // Titles, owners and assignees only of the records with findings.
  std::vector<ExceptionId> ids;
  for (const auto& f : out.findings) ids.push_back(f.id);
  out.records = session.index().summaries_of(snap, ids);
  for (const auto& id : ids)
    if (!out.records.count(id)) {
      session.index().discard_table(snap);
      from_summaries();
      break;
    }
  out.unreadable = session.index().unreadable();
  return out;
}

ExportResult select_suppressions(Session& session, const store::Snapshot& snap, Timestamp now, std::string_view tool) {
  std::vector<Record> records;
  for (const auto& r : session.index().summaries(snap))
    if (core::suppresses(r, now)) records.push_back(load_record(snap, r.id));
  return {core::exported_suppressions(records, now, tool), session.index().unreadable()};
}

void list_exceptions_json(Session& session, const ListFilter& filter, const std::function<void(std::string_view)>& sink) {
  const store::Snapshot snap = session.tip();
  if (core::is_empty(filter.select) && filter.sort == core::ListSort::opened && !filter.limit) {
    session.index().stream_json(snap, [](State) { return true; }, sink);
    return;
  }
  // The records the table would list, in its order, then their texts in that order.
  std::vector<ExceptionId> ids;
  list_on(session, snap, filter, [](std::size_t, std::size_t) {}, [&](const ListedException& r) {
    if (auto id = ExceptionId::parse(r.id)) ids.push_back(std::move(*id));
  });
  session.index().stream_json_of(snap, ids, [&](std::string_view, std::string_view json) { sink(json); });
}

std::optional<Timestamp> shown_deadline(State state, std::optional<Resolution> decided, std::optional<Timestamp> due,
                                        std::optional<Timestamp> expires) {
  core::FindingInput in;
  in.state = state;
  in.decided = decided;
  return core::acceptance_in_force(in) ? expires : due;
}

}  // namespace docket::app
