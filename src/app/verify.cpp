#include "docket/app/verify.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "docket/app/administration.hpp"
#include "docket/app/trust.hpp"
#include "docket/app/verify_merge.hpp"
#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/commit_rules.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"
#include "docket/core/membership.hpp"
#include "docket/core/time.hpp"
#include "docket/crypto/commit_signature.hpp"
#include "docket/crypto/sha256.hpp"
#include "docket/crypto/signer_rules.hpp"

namespace docket::app {
namespace {

using store::PathChange;

enum class ChangeKind { added, modified, removed };
ChangeKind kind_of(const PathChange& c) {
  return !c.before ? ChangeKind::added : !c.after ? ChangeKind::removed : ChangeKind::modified;
}

bool is_config_path(const std::string& p) {
  return p == kPolicyPath || p == kSignersPath || p == kRevokedKeysPath ||
         (p.starts_with("templates/") && p.ends_with(".yaml"));
}

// One line per violation: a multi-line message would break the report's line format.
std::string one_line(std::string text) {
  for (char& ch : text)
    if (ch == '\n' || ch == '\r') ch = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The first line where two canonical YAML texts differ, to say which field a forgery touched.
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream a(expected), b(actual);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "no difference";
    if (!ha || !hb || la != lb)
      return "line " + std::to_string(line) + ": expected '" + (ha ? la : "<end>") + "', found '" + (hb ? lb : "<end>") + "'";
  }
}

std::optional<ExceptionId> id_from_record_path(const std::string& path) {
  // exceptions/<2>/<ID>.yaml, and the fan-out must be the one record_path gives.
  if (!path.starts_with("exceptions/") || !path.ends_with(".yaml")) return std::nullopt;
  const auto slash = path.rfind('/');
  const auto id = ExceptionId::parse(std::string_view(path).substr(slash + 1, path.size() - slash - 1 - 5));
  if (!id || record_path(*id) != path) return std::nullopt;
  return id;
}

std::string_view mode_name(std::uint32_t mode) {
  switch (mode) {
    case 0100755: return "an executable file";
    case 0120000: return "a symbolic link";
    case 0160000: return "a submodule entry";
    case store::FileVersion::folder: return "a folder nested deeper than the store's layout";
    default: return "an entry of unusual mode";
  }
}

// The configuration each verified commit leaves in force, shared between the commits that do
// not change it: parsing docket.yaml, allowed_signers and every template once per commit would
// dominate the cost of verifying a long history. Null when it could not be read.
using ConfigPtr = std::shared_ptr<const StoreConfig>;

class Verifier {
public:
  Verifier(Session& session, VerifyReport& report) : session_(session), report_(report), clock_(session.now()) {}

  // `c`'s parents were checked before it (or were verified by an earlier run). The signature is
  // checked before the commit's tree is read: an unattributable commit's content is not walked.
  void check_commit(const store::CommitRecord& c) {
    commit_ = c.id.hex;
    commit_times_[c.id.hex] = c.committer_time;
    if (c.parents.empty()) return check_root(c);
    if (c.parents.size() > 1) {
      const ConfigPtr first_config = config_at(c.parents.front());
      if (!check_stamp(c, first_config ? first_config->policy.clock_skew : Policy{}.clock_skew)) return;
      for (auto& v : check_merge_commit(session_, c)) report_.violations.push_back(std::move(v));
      configs_[c.id.hex] = try_load_config(session_.store().at(c.id));
      return;
    }
    const ConfigPtr parent_config = config_at(c.parents.front());
    if (!parent_config) {
      configs_[c.id.hex] = nullptr;
      violation("", "config-valid", "the parent's configuration cannot be read, so this commit cannot be checked");
      return;
    }
    // Until the commit is known to be well made, the configuration after it is its parent's.
    configs_[c.id.hex] = parent_config;
    const auto split = check_signature(c, *parent_config);
    if (!split) return;
    if (!check_stamp(c, parent_config->policy.clock_skew)) return;
    const store::Snapshot parent = session_.store().at(c.parents.front());
    const store::Snapshot snap = session_.store().at(c.id);
    const auto changes = session_.store().changed_paths(parent, snap);
    const bool config_changed =
        std::any_of(changes.begin(), changes.end(), [](const PathChange& ch) { return is_config_path(ch.path); });
    // Recorded before the changes are judged, so the commits after this one are checked against it.
    const ConfigPtr next_config = config_changed ? try_load_config(snap) : parent_config;
    configs_[c.id.hex] = next_config;
    const core::Context ctx{*Email::parse(split->committer_email), split->committer_time, parent_config->policy};
    check_changes(c, parent, snap, changes, *parent_config, next_config, ctx);
  }

private:
  void violation(std::string record, std::string rule, std::string message) {
    report_.violations.push_back({commit_, std::move(record), std::move(rule), one_line(std::move(message))});
  }

  ConfigPtr try_load_config(const store::Snapshot& snap) {
    try {
      return std::make_shared<const StoreConfig>(load_config(snap));
    } catch (const Error&) {
      return nullptr;  // reported by the commit that made it unreadable (config-valid)
    }
  }

  // The configuration in force after `commit`; history is replayed parents first, so this is
  // normally known already.
  ConfigPtr config_at(const store::ObjectId& commit) {
    const auto it = configs_.find(commit.hex);
    if (it != configs_.end()) return it->second;
    return configs_[commit.hex] = try_load_config(session_.store().at(commit));
  }

  Timestamp commit_time(const store::ObjectId& commit) {
    const auto it = commit_times_.find(commit.hex);
    if (it != commit_times_.end()) return it->second;
    return commit_times_[commit.hex] = session_.store().read_commit(commit).committer_time;
  }

  // The commit's own stamps: its time against its parents' and the verifier's clock, and the
  // author the same person at the same time as the committer (core/commit_rules). False when the
  // time is outside what docket can read, so nothing in the commit can be judged.
  bool check_stamp(const store::CommitRecord& c, Duration skew) {
    std::vector<Timestamp> parent_times;
    for (const auto& parent : c.parents) parent_times.push_back(commit_time(parent));
    bool readable = true;
    try {
      core::check_commit_time(c.committer_time, parent_times, clock_, skew);
    } catch (const RuleViolation& e) {
      violation("", e.rule(), e.what());
      readable = e.rule() != kTimeRangeRule;
    }
    try {
      core::check_author_is_committer({c.author_name, c.author_email, c.time, c.author_offset, c.author_line},
                                      {c.committer_name, c.committer_email, c.committer_time, c.committer_offset, c.committer_line});
    } catch (const RuleViolation& e) {
      violation("", e.rule(), e.what());
    }
    return readable;
  }

  // The signature from the header only, in canonical armor, by a key allowed for the committer
  // in `config` and not revoked there; the committer e-mail must be a valid address and the
  // author the same person.
  std::optional<crypto::SplitCommit> check_signature(const store::CommitRecord& c, const StoreConfig& config) {
    const crypto::AllowedSigners& signers = config.signers;
    crypto::SplitCommit split;
    try {
      split = crypto::split_signed_commit(c.raw);
    } catch (const Error& e) {
      violation("", "signature-invalid", std::string("the commit header cannot be read: ") + e.what());
      return std::nullopt;
    }
    const auto check = crypto::check_commit_signature(c.raw, signers);
    const std::string who = split.committer_email;
    if (check.key && config.revoked.contains(*check.key) &&
        (check.status == crypto::SignatureStatus::good || check.status == crypto::SignatureStatus::unknown_key)) {
      violation("", std::string(crypto::kKeyRevoked),
                "signed by " + who + " with the key " + check.key->fingerprint() +
                    ", which an admin revoked before this commit (revoked_keys)");
      return std::nullopt;
    }
    switch (check.status) {
      case crypto::SignatureStatus::good:
        break;
      case crypto::SignatureStatus::unsigned_commit:
        violation("", "signature-missing",
                  "the commit by " + who + " has no signature in its header (made with plain git, without -S?)");
        return std::nullopt;
      case crypto::SignatureStatus::malformed:
        violation("", "signature-invalid", "the signature of the commit by " + who + " is malformed: " + check.problem);
        return std::nullopt;
      case crypto::SignatureStatus::bad:
        violation("", "signature-invalid",
                  "the signature of the commit by " + who + " is " + std::string(crypto::to_string(check.status)) +
                      ": it does not verify over the commit's bytes" +
                      (check.problem.empty() ? std::string() : " (" + check.problem + ")"));
        return std::nullopt;
      case crypto::SignatureStatus::unknown_key: {
        const std::string key = check.key ? check.key->fingerprint() : std::string("?");
        const auto owners = check.key ? signers.principals_for(*check.key) : std::vector<std::string>{};
        if (!owners.empty() && std::find(owners.begin(), owners.end(), who) == owners.end()) {
          violation("", "signer-mismatch",
                    "signed with the key " + key + " of " + owners.front() + " but the committer is " + who);
        } else if (!owners.empty()) {
          violation("", "signer-unknown",
                    "the key " + key + " of " + who + " was not valid for it at the commit time (valid-after/valid-before)");
        } else {
          violation("", "signer-unknown",
                    "signed by " + who + " with the key " + key +
                        ", which the parent's allowed_signers does not list (never added, or removed)");
        }
        return std::nullopt;
      }
    }
    if (!Email::parse(split.committer_email)) {
      violation("", "signer-unknown", "committer e-mail '" + split.committer_email + "' is not a valid address");
      return std::nullopt;
    }
    return split;
  }

  // Files docket never writes: anything but a plain file (a symlink could point a reader of a
  // checkout elsewhere; a submodule entry would hide content from this check).
  bool check_file_mode(const PathChange& change) {
    if (!change.after || change.after->regular_file()) return true;
    violation(change.path, "file-mode", change.path + " is " + std::string(mode_name(change.after->mode)) + "; docket writes plain files only");
    return false;
  }

  // The root is checked against the configuration it creates, which is all that can vouch for it;
  // only its configuration files are read before its signature is checked.
  void check_root(const store::CommitRecord& c) {
    if (!whole_history_) {
      violation("", "single-root", "a second root commit (no parents) joined the history after the verified tip");
      configs_[c.id.hex] = nullptr;
      return;
    }
    const store::Snapshot snap = session_.store().at(c.id);
    const ConfigPtr config = try_load_config(snap);
    configs_[c.id.hex] = config;
    if (!config) {
      try {
        load_config(snap);
      } catch (const Error& e) {
        violation("", "config-valid", std::string("the root commit's configuration cannot be read: ") + e.what());
      }
      return;
    }
    const auto split = check_signature(c, *config);
    if (!split) return;
    if (!check_stamp(c, config->policy.clock_skew)) return;
    const auto email = *Email::parse(split->committer_email);
    check_committer_name(c, config->policy, email);
    if (!config->policy.has_role(email, Role::admin))
      violation("", "admin-only", email.str() + " made the root commit but is not an admin in it");
    check_signers_form(*config);
    for (const auto& change : session_.store().changed_paths(store::Snapshot{}, snap)) {
      if (!check_file_mode(change)) continue;
      if (!is_config_path(change.path))
        violation(change.path, "root-content", "the root commit holds " + change.path + "; it may hold configuration only");
    }
  }

  void check_changes(const store::CommitRecord& c, const store::Snapshot& parent, const store::Snapshot& snap,
                     const std::vector<PathChange>& changes, const StoreConfig& config, const ConfigPtr& next_config,
                     const core::Context& ctx) {
    check_committer_name(c, config.policy, ctx.actor);
    summaries_.clear();
    std::map<ExceptionId, const PathChange*> records;
    std::vector<const PathChange*> evidence;
    std::vector<std::string> config_paths;
    for (const auto& change : changes) {
      if (!check_file_mode(change)) continue;
      if (is_config_path(change.path)) {
        config_paths.push_back(change.path);
      } else if (change.path.starts_with("evidence/")) {
        evidence.push_back(&change);
      } else if (const auto id = id_from_record_path(change.path)) {
        records.emplace(*id, &change);
      } else if (const auto misplaced = record_file_id(change.path.substr(change.path.rfind('/') + 1));
                 misplaced && change.path.starts_with("exceptions/")) {
        // A record's file name in another fan-out folder: a copy or move made by hand.
        violation(change.path, "unexpected-path",
                  change.path + " is a record file outside its fan-out folder: " + misplaced->str() + " belongs at " +
                      record_path(*misplaced) + ", so this copy is not read as a record");
      } else {
        violation(change.path, "unexpected-path", change.path + " is not a place docket writes");
      }
    }
    if (!config_paths.empty()) check_config_change(snap, config_paths, config, next_config, ctx);

    std::map<ExceptionId, codec::Replay> replays;
    std::vector<core::Administration> administration;
    for (const auto& line : codec::find_replay_lines(c.message)) {
      try {
        if (auto a = codec::admin_from_json(line)) {
          administration.push_back(std::move(*a));
          continue;
        }
      } catch (const Error& e) {
        violation("", "replay", e.what());
        continue;
      }
      try {
        auto replay = codec::replay_from_json(line);
        const ExceptionId id = replay.id;
        if (!replays.emplace(id, std::move(replay)).second) violation(id.str(), "replay", "two replay lines for one record");
      } catch (const Error& e) {
        violation("", "replay", e.what());
      }
    }
    if (!administration.empty()) {
      if (administration.size() > 1 || !replays.empty())
        violation("", "replay", "an administration command's commit carries one replay line and changes nothing else");
      else
        check_administration(c, parent, snap, changes, config, next_config, ctx, administration.front());
      return;
    }
    // Evidence may only arrive with an attach that lists it: anything else under evidence/ is
    // content no record accounts for.
    std::set<std::string> attached;
    for (const auto& [id, replay] : replays)
      if (replay.command)
        if (const auto* attach = std::get_if<core::Attach>(&*replay.command))
          for (const auto& f : attach->files) attached.insert(evidence_path(f.digest));
    for (const auto* change : evidence) check_evidence(snap, *change, attached);

    for (const auto& [id, change] : records) {
      const auto it = replays.find(id);
      if (kind_of(*change) == ChangeKind::removed) {
        violation(id.str(), "record-deleted", "the record " + change->path + " was deleted; records are never removed");
      } else if (it == replays.end()) {
        violation(id.str(), "unexplained-change",
                  "the record changed without a Docket-Replay line naming the docket command that did it (edited by hand?)");
      } else {
        check_record(parent, snap, *change, config, ctx, id, it->second);
      }
    }
    for (const auto& [id, replay] : replays)
      if (!records.count(id)) violation(id.str(), "replay", "a replay line names a record the commit did not change");
    check_message(c);
  }

  // An administration command (policy-set, team-*, template-*) re-applied to the parent's
  // settings by the same core rules as the CLI: the commit must write exactly the files the
  // command writes (app::administration_changes) and the message docket writes for it.
  void check_administration(const store::CommitRecord& c, const store::Snapshot& parent, const store::Snapshot& snap,
                            const std::vector<PathChange>& changes, const StoreConfig& config, const ConfigPtr& next_config,
                            const core::Context& ctx, core::Administration a) {
    const std::string verb(core::administration_name(a));
    // A template's content is the file the commit writes: take it from the commit's configuration.
    const auto committed_template = [&](const std::string& name) -> std::optional<Template> {
      if (!next_config) return std::nullopt;  // unreadable: reported as config-valid
      const auto it = next_config->templates.find(name);
      if (it == next_config->templates.end()) {
        violation(template_path(name), "replay", verb + " " + name + " but the commit holds no such template");
        return std::nullopt;
      }
      return it->second;
    };
    if (auto* add = std::get_if<core::TemplateAdd>(&a)) {
      auto t = committed_template(add->added.name);
      if (!t) return;
      add->added = std::move(*t);
    } else if (auto* update = std::get_if<core::TemplateUpdate>(&a)) {
      auto t = committed_template(update->updated.name);
      if (!t) return;
      update->updated = std::move(*t);
    }
    std::vector<ExceptionId> in_use;
    if (const auto* remove = std::get_if<core::TemplateRemove>(&a)) {
      // Parsed from the parent's records themselves, not the local index: verify trusts no cache.
      std::vector<UnreadableRecord> unreadable;
      in_use = exceptions_using_template(core::summarize(load_records(parent, &unreadable)), remove->name);
    }
    core::StoreSettings after;
    try {
      after = core::administer(store_settings(config), a, ctx, in_use);
    } catch (const RuleViolation& v) {
      // A signer without the admin role was reported by check_config_change when the commit
      // changed configuration; otherwise it is reported here, or a member could make any commit
      // (a record edited by hand, say) pass by adding an administration line to its message.
      const bool reported = std::any_of(changes.begin(), changes.end(), [](const PathChange& ch) { return is_config_path(ch.path); });
      if (v.rule() != "admin-only" || !reported) violation("", v.rule(), verb + ": " + v.what());
      return;
    } catch (const Error& e) {
      violation("", "replay", verb + ": " + e.what());
      return;
    }
    std::map<std::string, const store::Change*> expected;
    const std::vector<store::Change> expected_changes = administration_changes(after, a);
    for (const auto& change : expected_changes) expected.emplace(change.path, &change);
    for (const auto& change : changes) {
      const auto it = expected.find(change.path);
      if (it == expected.end()) {
        violation(change.path, "replay", "the commit changes " + change.path + ", which " + verb + " does not write");
        continue;
      }
      const auto* text = std::get_if<std::string>(&it->second->content);
      if (text ? (!change.after || snap.read(change.path) != *text) : change.after.has_value())
        violation(change.path, "replay",
                  change.path + " is not what " + verb + " makes of the parent's settings (edited by hand, or not canonical)");
      expected.erase(it);
    }
    for (const auto& [path, change] : expected)
      violation(path, "replay", verb + " writes " + path + " but the commit does not change it");
    if (const auto wrong = codec::admin_message_mismatch(c.message, a)) violation("", "message-mismatch", *wrong);
  }

  // The committer's name is the one docket.yaml records for them (core::commit_name), so the
  // name `git log` shows was chosen by an admin, not by whoever signed.
  void check_committer_name(const store::CommitRecord& c, const Policy& policy, const Email& committer) {
    const Member* member = policy.find_member(committer);
    if (!member) return;  // not a member: the role rules report it
    const std::string recorded = core::commit_name(*member);
    if (c.committer_name != recorded || c.author_name != recorded)
      violation("", "committer-name",
                "the commit by " + committer.str() + " carries the name '" +
                    (c.committer_name != recorded ? c.committer_name : c.author_name) + "' but docket.yaml records '" +
                    recorded + "' for that member");
  }

  // The subject and trailers say what the replay lines did: the message is the one docket
  // writes for them (codec/commit_message), so `git log` cannot show one action while the
  // replay does another.
  void check_message(const store::CommitRecord& c) {
    std::vector<codec::ReplayInMessage> lines;
    for (const auto& line : codec::find_replay_lines(c.message)) {
      codec::Replay replay;
      try {
        replay = codec::replay_from_json(line);
      } catch (const Error&) {
        return;  // reported as rule replay
      }
      const auto summary = summaries_.find(replay.id);
      if (summary == summaries_.end()) return;  // the replay could not be applied: reported already
      lines.push_back({line, replay_verb(replay), replay.id, summary->second});
    }
    if (const auto wrong = codec::message_mismatch(c.message, lines)) violation("", "message-mismatch", *wrong);
  }

  void check_evidence(const store::Snapshot& snap, const PathChange& change, const std::set<std::string>& attached) {
    const ChangeKind kind = kind_of(change);
    if (kind != ChangeKind::added) {
      violation(change.path, "evidence-immutable",
                "evidence content was " + std::string(kind == ChangeKind::removed ? "removed" : "replaced") +
                    "; stored evidence never changes");
      return;
    }
    const auto digest = Sha256Digest::parse(change.path.substr(change.path.rfind('/') + 1));
    if (!digest || evidence_path(*digest) != change.path) {
      violation(change.path, "unexpected-path", change.path + " is not evidence/<2 hex>/<sha256 hex>");
      return;
    }
    // Hashed as it streams: memory stays constant whatever the evidence's size.
    crypto::Sha256 hash;
    const auto size = snap.read_stream(change.path, [&](std::string_view chunk) { hash.update(chunk); });
    ++report_.evidence;
    if (!size || hash.finish() != *digest)
      violation(change.path, "evidence-digest", "the content does not hash to " + digest->str());
    if (!attached.count(change.path))
      violation(change.path, "evidence-unreferenced", "evidence was added without an attach replay line that lists it");
  }

  // allowed_signers exactly as docket writes it, against the members and revoked keys of the
  // same configuration (crypto/signer_rules.hpp).
  void check_signers_form(const StoreConfig& config) {
    std::vector<Email> members;
    for (const auto& m : config.policy.members) members.push_back(m.email);
    for (auto& f : crypto::check_docket_form(config.signers, members, config.revoked))
      violation(std::string(kSignersPath), std::string(f.rule), std::move(f.message));
  }

  void check_config_change(const store::Snapshot& snap, const std::vector<std::string>& paths, const StoreConfig& before,
                           const ConfigPtr& next, const core::Context& ctx) {
    if (!ctx.policy.has_role(ctx.actor, Role::admin)) {
      std::string list;
      for (const auto& p : paths) list += (list.empty() ? "" : ", ") + p;
      violation(paths.front(), "admin-only",
                ctx.actor.str() + " changed " + list + " (members, keys, templates or policy) without the admin role");
    }
    if (!next) {
      try {
        load_config(snap);
      } catch (const Error& e) {
        violation(paths.front(), "config-valid", e.what());
      }
      return;
    }
    bool has_admin = false;
    for (const auto& m : next->policy.members) has_admin = has_admin || m.roles.count(Role::admin);
    if (!has_admin) violation("docket.yaml", "admin-required", "the change left the store without an admin");
    check_signers_form(*next);
    for (auto& f : crypto::check_revocation_change({before.signers, before.revoked, before.revoked_file},
                                                   {next->signers, next->revoked, next->revoked_file}))
      violation(std::string(kRevokedKeysPath), std::string(f.rule), std::move(f.message));
  }

  // The record as of the blob `version` at `path`, parsed once: the version a commit writes is
  // the one the next change of that record starts from.
  Record record_version(const store::Snapshot& snap, const ExceptionId& id, const store::FileVersion& version) {
    const auto it = records_.find(id);
    if (it != records_.end() && it->second.first == version.id) return it->second.second;
    Record r = load_record(snap, id);
    records_.insert_or_assign(id, std::make_pair(version.id, r));
    return r;
  }

  void check_record(const store::Snapshot& parent, const store::Snapshot& snap, const PathChange& change,
                    const StoreConfig& config, const core::Context& ctx, const ExceptionId& id, const codec::Replay& replay) {
    ++report_.record_changes;
    Record expected;
    try {
      if (replay.open) {
        if (change.before) {
          violation(id.str(), "replay", "an open replayed onto an existing record");
          return;
        }
        core::OpenCommand cmd;
        cmd.id = id;
        cmd.title = replay.open->title;
        if (!replay.open->template_name.empty()) {
          const auto t = config.templates.find(replay.open->template_name);
          if (t == config.templates.end()) {
            violation(id.str(), "replay", "template '" + replay.open->template_name + "' did not exist in the parent");
            return;
          }
          cmd.from_template = &t->second;
        }
        cmd.severity = replay.open->severity;
        cmd.identity = replay.open->identity;
        cmd.owners = replay.open->owners;
        cmd.source = replay.open->source;
        cmd.recurrence_of = replay.open->recurrence_of;
        expected = core::open_record(cmd, ctx);
        summaries_[id] = codec::command_summary(nullptr, nullptr, expected);
      } else {
        if (!change.before) {
          violation(id.str(), "replay", "the record was created by a '" + std::string(core::verb(*replay.command)) +
                                            "' replay line; only an open creates a record");
          return;
        }
        const Record before = record_version(parent, id, *change.before);
        expected = core::apply(before, *replay.command, ctx);
        summaries_[id] = codec::command_summary(&*replay.command, &before, expected);
        if (const auto* attach = std::get_if<core::Attach>(&*replay.command)) check_attached(snap, id, *attach);
      }
    } catch (const RuleViolation& e) {
      violation(id.str(), e.rule(), "the replayed '" + replay_verb(replay) + "' is refused: " + e.what());
      return;
    } catch (const Error& e) {
      violation(id.str(), "replay", e.what());
      return;
    }
    // docket writes the canonical text of the record its command produced, and the committed
    // text must be exactly that: another spelling of the same record (a comment, a tag, other
    // quoting, flow style) could be read differently by another YAML reader. Other text is
    // parsed to say whether the record or only its spelling differs.
    const std::string expected_text = codec::record_to_yaml(expected);
    const auto committed = snap.read(change.path);
    if (committed == expected_text) {
      records_.insert_or_assign(id, std::make_pair(change.after->id, std::move(expected)));
      return;
    }
    Record actual;
    try {
      actual = record_version(snap, id, *change.after);
    } catch (const Error& e) {
      violation(id.str(), "record-valid", e.what());
      return;
    }
    if (!(expected == actual))
      violation(id.str(), "replay-mismatch",
                "the record is not what its '" + replay_verb(replay) + "' produces: " +
                    first_difference(expected_text, codec::record_to_yaml(actual)));
    else
      violation(id.str(), "record-canonical",
                "the record is not in docket's canonical form: " + first_difference(expected_text, committed.value_or("")));
  }

  // Each file an attach lists is stored, with the size of the stored blob and the media type
  // docket records (core::kEvidenceMediaType).
  void check_attached(const store::Snapshot& snap, const ExceptionId& id, const core::Attach& attach) {
    for (const auto& f : attach.files) {
      const auto size = snap.blob_size(evidence_path(f.digest));  // from the object's header: nothing inflated
      if (!size) {
        violation(id.str(), "evidence-missing", "evidence " + f.digest.str() + " is listed but no blob is stored at " + evidence_path(f.digest));
        continue;
      }
      if (f.size != *size)
        violation(id.str(), "evidence-metadata",
                  "evidence " + f.digest.str() + " is listed with size " + std::to_string(f.size) + " but the stored blob is " +
                      std::to_string(*size) + " bytes");
      if (f.media_type != kEvidenceMediaType)
        violation(id.str(), "evidence-metadata",
                  "evidence " + f.digest.str() + " is listed as '" + f.media_type + "'; docket records every evidence file as " +
                      std::string(kEvidenceMediaType));
    }
  }

  static std::string replay_verb(const codec::Replay& replay) {
    return replay.open ? std::string("open") : std::string(core::verb(*replay.command));
  }

public:
  // False when checking only the commits after a verified tip: a root among them is a second root.
  bool whole_history_ = true;

private:
  Session& session_;
  VerifyReport& report_;
  const Timestamp clock_;  // the verifier's clock: DOCKET_NOW or the system's
  std::string commit_;
  std::map<std::string, ConfigPtr> configs_;  // commit id → configuration after it
  std::map<std::string, Timestamp> commit_times_;  // commit id → committer time
  std::map<ExceptionId, std::pair<store::ObjectId, Record>> records_;  // last parsed version of each record
  std::map<ExceptionId, std::string> summaries_;  // this commit's replayed changes: the subject's SUMMARY
};

// A full object id: a prefix would match almost any forged root or tip, and a mistyped or
// emptied value must not silently trust whatever history is there.
bool is_full_commit_id(const std::string& text) {
  return (text.size() == 40 || text.size() == 64) &&
         std::all_of(text.begin(), text.end(), [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
}

void require_full_id(const std::optional<std::string>& value, std::string_view option, const std::string& example) {
  if (value && !is_full_commit_id(*value))
    throw Error(ExitCode::usage, "--" + std::string(option) + " '" + *value + "' is not a full commit id",
                "give all 40 hex digits of the commit, e.g. from: " + example);
}

// Runs `verifier` over `commits` (parents before children) into `report`.
void check_commits(Verifier& verifier, const std::vector<store::CommitRecord>& commits, VerifyReport& report,
                   const std::function<void(std::size_t, std::size_t)>& progress) {
  for (const auto& c : commits) {
    try {
      verifier.check_commit(c);
    } catch (const Error& e) {
      // A commit whose objects cannot be read (a malformed tree, a missing object) is one
      // finding; the rest of the history is still checked.
      report.violations.push_back({c.id.hex, "", "store-readable", std::string("the commit cannot be read: ") + e.what()});
    }
    ++report.commits;
    if (progress) progress(report.commits, commits.size());
  }
}

// The ref's tip, or Error(store) when this is not a docket store.
store::ObjectId current_tip(Session& session) {
  if (const auto tip = session.store().lookup_ref(session.store().ref())) return *tip;
  (void)session.unverified_tip();  // throws the "not a docket store" error
  throw Error(ExitCode::internal, "unreachable: no tip");
}

// The first violations of `report` as one message, for a command that refuses to act.
}  // namespace

std::string violations_summary(const VerifyReport& report) {
  std::string text;
  const std::size_t shown = std::min<std::size_t>(report.violations.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& v = report.violations[i];
    text += "\n  commit " + v.commit.substr(0, 12) + (v.record.empty() ? "" : " record " + v.record) + " rule " + v.rule + ": " + v.message;
  }
  if (report.violations.size() > shown) text += "\n  … and " + std::to_string(report.violations.size() - shown) + " more";
  return text;
}

VerifyReport verify_store(Session& session, const VerifyOptions& options,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
  const std::string& ref = session.store().ref();
  require_full_id(options.root, "root", "git rev-list --max-parents=0 " + ref);
  require_full_id(options.tip, "tip", "git rev-parse " + ref);
  VerifyReport report;
  // The recorded tip is read before the ref: the ref only moves forward and docket records a tip
  // after moving it, so a concurrent docket command cannot make this look like a rollback.
  const auto verified = recorded_verified_tip(session.repository(), ref);
  const store::ObjectId tip = current_tip(session);
  const auto history = session.store().history();
  std::vector<const store::CommitRecord*> roots;
  for (const auto& c : history)
    if (c.parents.empty()) roots.push_back(&c);
  if (roots.size() != 1) {
    for (const auto* r : roots)
      report.violations.push_back({r->id.hex, "", "single-root", "the ref's history has " + std::to_string(roots.size()) + " root commits"});
  }
  const std::string root = roots.empty() ? std::string{} : roots.front()->id.hex;
  report.root = root;
  report.tip = tip.hex;
  const auto recorded = recorded_trust_root(session.repository(), ref);
  const std::optional<std::string> expected = options.root ? options.root : recorded ? std::optional(recorded->hex) : std::nullopt;
  if (expected) {
    if (!root.empty() && root != *expected)
      report.violations.push_back({root, "", "trust-root",
                                   "the history starts at " + root + " but the trusted root is " + *expected +
                                       (options.root ? " (--root)" : " (recorded in git config " + trust_root_key(ref) + ")") +
                                       ": the history was rewritten, or this is another store"});
    else if (!recorded && roots.size() == 1) {
      // A pinned root (a fresh CI runner) is remembered, so later commands need no TOFU.
      record_trust_root(session.repository(), ref, store::ObjectId{root});
      report.root_recorded_now = true;
    }
  } else if (!root.empty() && roots.size() == 1) {
    record_trust_root(session.repository(), ref, store::ObjectId{root});
    report.root_recorded_now = true;
  }
  // No rollback: the ref must still contain the last tip this repository verified.
  if (verified && !session.store().descends_from(tip, *verified))
    report.violations.push_back({tip.hex, "", "history-rewound",
                                 ref + " is at " + tip.hex + ", which does not contain " + verified->hex +
                                     ", the tip this repository verified last (git config " + verified_tip_key(ref) +
                                     "): the ref was rewound or replaced"});
  if (options.tip && *options.tip != tip.hex)
    report.violations.push_back({tip.hex, "", "tip-pinned", ref + " is at " + tip.hex + " but --tip requires " + *options.tip});
  Verifier verifier(session, report);
  check_commits(verifier, history, report, progress);
  try {
    report.records = record_ids(session.store().at(tip)).size();
  } catch (const Error&) {
    report.records = 0;  // an unreadable tip tree is already a violation (store-readable)
  }
  if (report.ok()) report.tip_recorded_now = record_verified_tip(session.repository(), ref, tip);
  return report;
}

VerifyReport verify_range(Session& session, const store::ObjectId& tip, const std::optional<store::ObjectId>& since) {
  VerifyReport report;
  report.tip = tip.hex;
  Verifier verifier(session, report);
  verifier.whole_history_ = !since;
  check_commits(verifier, session.store().history_between(tip, since), report, {});
  return report;
}

void require_verified(Session& session, const store::ObjectId& tip) {
  const std::string& ref = session.store().ref();
  const auto verified = recorded_verified_tip(session.repository(), ref);
  if (verified && *verified == tip) return;
  if (verified && !session.store().descends_from(tip, *verified)) {
    // Another docket process may have moved the ref and recorded its new tip after this one
    // read the ref: then `tip` is an ancestor of the recorded tip (so verified already) and
    // the ref, read again, still contains the recorded tip. A rewound ref fails the second test.
    const auto now_at = session.store().lookup_ref(ref);
    if (session.store().descends_from(*verified, tip) && now_at && session.store().descends_from(*now_at, *verified)) return;
    throw Error(ExitCode::untrusted,
                ref + " is at " + tip.hex + ", which does not contain " + verified->hex +
                    ", the tip this repository verified last: the store's history was rewound or replaced, so docket will not act on it",
                "fetch the store again from a copy you trust (git fetch REMOTE " + ref + ":" + ref +
                    "); if an admin reset it on purpose, check it with docket verify, then accept it with: git config " +
                    verified_tip_key(ref) + " " + tip.hex);
  }
  const VerifyReport report = verified ? verify_range(session, tip, *verified) : verify_store(session, {});
  if (!report.ok())
    throw Error(ExitCode::untrusted,
                "the history of " + ref + " does not verify (" + std::to_string(report.violations.size()) + " violation" +
                    (report.violations.size() == 1 ? "" : "s") + " after the last verified tip), so docket will not act on it:" +
                    violations_summary(report),
                "run docket verify for the full report, and have an admin repair the store (docs/verify.md)");
  if (verified) record_verified_tip(session.repository(), ref, tip);
}

std::string signature_status(Session& session, const store::CommitRecord& commit) {
  try {
    const store::Snapshot config_snap = session.store().at(commit.parents.empty() ? commit.id : commit.parents.front());
    const auto signers = load_config(config_snap).signers;
    return std::string(crypto::to_string(crypto::check_commit_signature(commit.raw, signers).status));
  } catch (const Error&) {
    return "unverifiable";
  }
}

}  // namespace docket::app
