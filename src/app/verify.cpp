#include "docket/app/verify.hpp"

#include <map>
#include <set>
#include <sstream>

#include "docket/app/trust.hpp"
#include "docket/codec/command_json.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"
#include "docket/crypto/commit_signature.hpp"
#include "docket/crypto/sha256.hpp"

namespace docket::app {
namespace {

using FileMap = std::map<std::string, std::string>;  // path → blob id

FileMap files_of(const store::Snapshot& snap) {
  FileMap out;
  for (auto& e : snap.walk("")) out.emplace(std::move(e.path), std::move(e.blob.hex));
  return out;
}

struct PathChange {
  std::string path;
  enum class Kind { added, modified, removed } kind;
};

std::vector<PathChange> diff(const FileMap& before, const FileMap& after) {
  std::vector<PathChange> out;
  for (const auto& [path, blob] : after) {
    const auto it = before.find(path);
    if (it == before.end()) out.push_back({path, PathChange::Kind::added});
    else if (it->second != blob) out.push_back({path, PathChange::Kind::modified});
  }
  for (const auto& [path, blob] : before)
    if (!after.count(path)) out.push_back({path, PathChange::Kind::removed});
  return out;
}

bool is_config_path(const std::string& p) {
  return p == "docket.yaml" || p == "allowed_signers" || (p.starts_with("templates/") && p.ends_with(".yaml"));
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

class Verifier {
public:
  Verifier(Session& session, VerifyReport& report) : session_(session), report_(report) {}

  void check_commit(const store::CommitRecord& c) {
    commit_ = c.id.hex;
    const store::Snapshot snap = session_.store().at(c.id);
    if (c.parents.empty()) return check_root(c, snap);
    if (c.parents.size() > 1) {
      violation("", "merge-commit", "merge commits are not produced by this version of docket and cannot be verified");
      return;
    }
    const store::Snapshot parent = session_.store().at(c.parents.front());
    std::optional<StoreConfig> config;
    try {
      config = load_config(parent);
    } catch (const Error& e) {
      violation("", "config-valid", std::string("the parent's configuration cannot be read: ") + e.what());
      return;
    }
    const auto split = check_signature(c, config->signers);
    if (!split) return;
    const core::Context ctx{*Email::parse(split->committer_email), split->committer_time, config->policy};
    check_changes(c, parent, snap, *config, ctx);
  }

private:
  void violation(std::string record, std::string rule, std::string message) {
    report_.violations.push_back({commit_, std::move(record), std::move(rule), std::move(message)});
  }

  // The signature from the header only, by a key allowed for the committer in `signers`; the
  // committer e-mail must be a valid address and the author the same person.
  std::optional<crypto::SplitCommit> check_signature(const store::CommitRecord& c, const crypto::AllowedSigners& signers) {
    crypto::SplitCommit split;
    try {
      split = crypto::split_signed_commit(c.raw);
    } catch (const Error& e) {
      violation("", "signature", e.what());
      return std::nullopt;
    }
    const auto check = crypto::check_commit_signature(c.raw, signers);
    if (check.status != crypto::SignatureStatus::good) {
      std::string detail = std::string(crypto::to_string(check.status));
      if (check.key) detail += " (key " + check.key->fingerprint() + ")";
      violation("", "signature", "signature of " + split.committer_email + " is " + detail);
      return std::nullopt;
    }
    if (!Email::parse(split.committer_email)) {
      violation("", "signature", "committer e-mail '" + split.committer_email + "' is not valid");
      return std::nullopt;
    }
    if (c.author_email != split.committer_email)
      violation("", "author-is-committer", "author " + c.author_email + " differs from the signing committer " + split.committer_email);
    return split;
  }

  void check_root(const store::CommitRecord& c, const store::Snapshot& snap) {
    std::optional<StoreConfig> config;
    try {
      config = load_config(snap);
    } catch (const Error& e) {
      violation("", "config-valid", std::string("the root commit's configuration cannot be read: ") + e.what());
      return;
    }
    const auto split = check_signature(c, config->signers);
    if (!split) return;
    const auto email = *Email::parse(split->committer_email);
    if (!config->policy.has_role(email, Role::admin))
      violation("", "admin-only", email.str() + " made the root commit but is not an admin in it");
    for (const auto& [path, blob] : files_of(snap))
      if (!is_config_path(path)) violation(path, "root-content", "the root commit holds " + path + "; it may hold configuration only");
  }

  void check_changes(const store::CommitRecord& c, const store::Snapshot& parent, const store::Snapshot& snap,
                     const StoreConfig& config, const core::Context& ctx) {
    const FileMap before = files_of(parent);
    const FileMap after = files_of(snap);
    std::map<ExceptionId, PathChange::Kind> records;
    bool config_changed = false;
    for (const auto& change : diff(before, after)) {
      if (is_config_path(change.path)) {
        config_changed = true;
      } else if (change.path.starts_with("evidence/")) {
        check_evidence(snap, change);
      } else if (const auto id = id_from_record_path(change.path)) {
        records.emplace(*id, change.kind);
      } else {
        violation(change.path, "unexpected-path", change.path + " is not a place docket writes");
      }
    }
    if (config_changed) check_config_change(snap, ctx);

    std::map<ExceptionId, codec::Replay> replays;
    for (const auto& line : codec::find_replay_lines(c.message)) {
      try {
        auto replay = codec::replay_from_json(line);
        const ExceptionId id = replay.id;
        if (!replays.emplace(id, std::move(replay)).second) violation(id.str(), "replay", "two replay lines for one record");
      } catch (const Error& e) {
        violation("", "replay", e.what());
      }
    }
    for (const auto& [id, kind] : records) {
      const auto it = replays.find(id);
      if (kind == PathChange::Kind::removed) {
        violation(id.str(), "record-deleted", "the record was deleted; records are never removed");
      } else if (it == replays.end()) {
        violation(id.str(), "unexplained-change", "the record changed without a replay line saying which docket command did it");
      } else {
        check_record(parent, snap, config, ctx, id, it->second);
      }
    }
    for (const auto& [id, replay] : replays)
      if (!records.count(id)) violation(id.str(), "replay", "a replay line names a record the commit did not change");
  }

  void check_evidence(const store::Snapshot& snap, const PathChange& change) {
    if (change.kind != PathChange::Kind::added) {
      violation(change.path, "evidence-immutable", "evidence content was " +
                                                       std::string(change.kind == PathChange::Kind::removed ? "removed" : "replaced"));
      return;
    }
    const auto digest = Sha256Digest::parse(change.path.substr(change.path.rfind('/') + 1));
    if (!digest || evidence_path(*digest) != change.path) {
      violation(change.path, "unexpected-path", change.path + " is not evidence/<2 hex>/<sha256 hex>");
      return;
    }
    const auto content = snap.read(change.path);
    ++report_.evidence;
    if (!content || crypto::sha256(*content) != *digest)
      violation(change.path, "evidence-digest", "the content does not hash to " + digest->str());
  }

  void check_config_change(const store::Snapshot& snap, const core::Context& ctx) {
    if (!ctx.policy.has_role(ctx.actor, Role::admin))
      violation("docket.yaml", "admin-only", ctx.actor.str() + " changed members, keys, templates or policy without the admin role");
    try {
      const StoreConfig next = load_config(snap);
      bool has_admin = false;
      for (const auto& m : next.policy.members) has_admin = has_admin || m.roles.count(Role::admin);
      if (!has_admin) violation("docket.yaml", "admin-required", "the change left the store without an admin");
    } catch (const Error& e) {
      violation("docket.yaml", "config-valid", e.what());
    }
  }

  void check_record(const store::Snapshot& parent, const store::Snapshot& snap, const StoreConfig& config,
                    const core::Context& ctx, const ExceptionId& id, const codec::Replay& replay) {
    ++report_.record_changes;
    Record actual;
    try {
      actual = load_record(snap, id);
    } catch (const Error& e) {
      violation(id.str(), "record-valid", e.what());
      return;
    }
    Record expected;
    try {
      if (replay.open) {
        if (parent.read(record_path(id))) {
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
      } else {
        const Record before = load_record(parent, id);
        expected = core::apply(before, *replay.command, ctx);
        if (const auto* attach = std::get_if<core::Attach>(&*replay.command))
          for (const auto& f : attach->files)
            if (!snap.blob_id(evidence_path(f.digest)))
              violation(id.str(), "evidence-missing", "evidence " + f.digest.str() + " is listed but not stored");
      }
    } catch (const RuleViolation& e) {
      violation(id.str(), e.rule(), e.what());
      return;
    } catch (const Error& e) {
      violation(id.str(), "replay", e.what());
      return;
    }
    if (!(expected == actual))
      violation(id.str(), "replay-mismatch",
                "the record is not what its command produces: " +
                    first_difference(codec::record_to_yaml(expected), codec::record_to_yaml(actual)));
  }

  Session& session_;
  VerifyReport& report_;
  std::string commit_;
};

}  // namespace

VerifyReport verify_store(Session& session, const VerifyOptions& options,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
  VerifyReport report;
  session.tip();  // a clear error when this is not a docket store
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
  const auto recorded = recorded_trust_root(session.repository(), session.store().ref());
  const std::optional<std::string> expected = options.root ? options.root : recorded ? std::optional(recorded->hex) : std::nullopt;
  if (expected) {
    if (!root.empty() && !root.starts_with(*expected) && *expected != root)
      report.violations.push_back({root, "", "trust-root",
                                   "the history starts at " + root + " but the trusted root is " + *expected +
                                       (options.root ? " (--root)" : " (recorded in git config " + trust_root_key(session.store().ref()) + ")")});
  } else if (!root.empty() && roots.size() == 1) {
    record_trust_root(session.repository(), session.store().ref(), store::ObjectId{root});
    report.root_recorded_now = true;
  }
  Verifier verifier(session, report);
  for (const auto& c : history) {
    verifier.check_commit(c);
    ++report.commits;
    if (progress) progress(report.commits, history.size());
  }
  report.records = record_ids(session.store().tip()).size();
  return report;
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
