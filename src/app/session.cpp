#include "docket/app/session.hpp"

#include "docket/app/stray_tip.hpp"

#include <unordered_map>

#include "docket/app/trust.hpp"
#include "docket/app/verify.hpp"

#include "docket/codec/commit_message.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/commit_rules.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"
#include "docket/core/membership.hpp"
#include "docket/core/suggest.hpp"
#include "docket/crypto/commit_signature.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/store/remote.hpp"

namespace docket::app {
namespace {

// The name the commit carries: the one docket.yaml records for the actor in the commit's parent
// (verify checks it there, rule committer-name); the configured name when the actor is not a
// member (such a commit is refused by the rules anyway).
std::string recorded_name(const store::Snapshot& parent, const Actor& actor) {
  const auto text = parent.read(kPolicyPath);
  if (!text) return actor.name;
  try {
    const Policy policy = codec::policy_from_yaml(*text, kPolicyPath);
    if (const Member* m = policy.find_member(actor.email)) return core::commit_name(*m);
  } catch (const Error&) {
    // An unreadable policy fails the command's own load_config with a clear message.
  }
  return actor.name;
}

std::string no_store_hint() { return "create one with: docket init (or pass --ref / -C to point at an existing store)"; }

// The error for a ref that does not exist, saying what the user most likely meets: a fresh clone
// whose store is only a remote-tracking ref (`origin/docket`), or a shallow clone.
Error missing_store(const store::Repository& repo, const store::Store& store) {
  const std::string& ref = store.ref();
  const std::string what = "'" + ref + "' does not exist in " + repo.git_dir().string() + ": this is not a docket store";
  constexpr std::string_view heads = "refs/heads/";
  if (ref.starts_with(heads)) {
    const std::string branch = ref.substr(heads.size());
    std::vector<std::string> remotes;
    try {
      remotes = repo.remote_names();
    } catch (const Error&) {
      // An unreadable config: the plain message below still holds.
    }
    for (const auto& remote : remotes)
      if (store.lookup_ref("refs/remotes/" + remote + "/" + branch))
        return Error(ExitCode::store,
                     "'" + ref + "' does not exist here yet, but the remote-tracking ref " + remote + "/" + branch +
                         " holds a docket store (a fresh clone)",
                     "take it with: docket sync " + remote + " (it verifies the whole history first); do not run docket init here");
  }
  if (repo.is_shallow())
    return Error(ExitCode::store, what + "; this repository is a shallow clone",
                 "fetch the whole history with: git fetch --unshallow (then git fetch origin docket:docket if the store is on the remote)");
  return Error(ExitCode::store, what, no_store_hint());
}

// The policy's clock skew at `snap` (the default when docket.yaml cannot be read: the command's
// own configuration load then reports it).
Duration clock_skew_at(const store::Snapshot& snap) {
  try {
    if (const auto text = snap.read(kPolicyPath)) return codec::policy_from_yaml(*text, kPolicyPath).clock_skew;
  } catch (const Error&) {
  }
  return Policy{}.clock_skew;
}

// What marks `id` as a commit docket did not make, read from its header, message and tree's
// top level alone (no file in it is parsed): every docket commit carries a Docket-Command
// trailer, a signature and a store's docket.yaml. Empty when it has all three (then whatever is
// wrong with it is verify's to say).
std::vector<std::string> foreign_marks(const store::Store& store, const store::ObjectId& id) {
  std::vector<std::string> marks;
  store::CommitRecord c;
  try {
    c = store.read_commit(id);
  } catch (const Error&) {
    return marks;
  }
  if (codec::read_message(c.message).command.empty()) marks.emplace_back("no Docket-Command trailer");
  try {
    if (crypto::split_signed_commit(c.raw).signature.empty()) marks.emplace_back("unsigned");
  } catch (const Error&) {
    marks.emplace_back("a malformed signature header");
  }
  try {
    if (!store.at(id).blob_id(kPolicyPath)) marks.emplace_back("its tree is not a store: no docket.yaml");
  } catch (const Error&) {
    marks.emplace_back("its tree cannot be read");
  }
  return marks;
}

std::string short_id(const store::ObjectId& id) { return id.hex.substr(0, 12); }

// The error for a ref whose tip is a commit docket did not make (a plain `git commit` on the
// store's branch, say), naming the commit, what it lacks and the commit to put the ref back on:
// the recorded verified tip when the tip descends from it, else the nearest commit on the
// first-parent line that docket made. nullopt when the tip looks like docket's, or when the ref
// was rewound past the verified tip (require_verified's own message says that).
std::optional<Error> stray_tip(Session& session, const store::ObjectId& tip, std::string_view violations) {
  const store::Store& store = session.store();
  const std::string& ref = store.ref();
  const auto marks = foreign_marks(store, tip);
  if (marks.empty()) return std::nullopt;
  std::string what;
  for (const auto& m : marks) what += (what.empty() ? "" : ", ") + m;
  std::optional<store::ObjectId> back;
  std::string back_is;
  const auto verified = recorded_verified_tip(session.repository(), ref);
  try {
    if (verified) {
      if (!store.descends_from(tip, *verified)) return std::nullopt;
      back = verified;
      back_is = "the last commit of " + ref + " this repository verified";
    } else {
      store::ObjectId at = tip;
      for (int steps = 0; steps < 10000 && !back; ++steps) {
        const auto parents = store.read_commit(at).parents;
        if (parents.empty()) break;
        at = parents.front();
        if (foreign_marks(store, at).empty()) back = at;
      }
      back_is = "the last commit docket made below it (check it with docket verify once the ref is back)";
    }
  } catch (const Error&) {
    back.reset();  // an unreadable history: the hint below still holds
  }
  const std::string message = ref + " is at " + short_id(tip) + ", a commit docket did not make (" + what +
                              "), such as a plain git commit on the store's branch; docket will not read or change the store through it" +
                              std::string(violations.empty() ? "" : ":") + std::string(violations);
  if (!back)
    return Error(ExitCode::untrusted, message,
                 "run docket verify to see every commit that breaks the rules, then put " + ref +
                     " back on the last docket commit with: git update-ref " + ref + " COMMIT " + tip.hex);
  return Error(ExitCode::untrusted, message,
               "put the ref back on " + short_id(*back) + ", " + back_is + ": git update-ref " + ref + " " + back->hex + " " +
                   tip.hex + " (docket verify names every commit that breaks the rules)");
}

}  // namespace

void require_docket_tip(Session& session, const store::ObjectId& tip) {
  try {
    require_verified(session, tip);
  } catch (const Error& e) {
    if (e.code() != ExitCode::untrusted) throw;
    // The gate's message lists the violations (violations_summary) on the lines after its first.
    const std::string_view what = e.what();
    const auto lines = what.find('\n');
    if (auto stray = stray_tip(session, tip, lines == std::string_view::npos ? std::string_view() : what.substr(lines)))
      throw *stray;
    throw;
  }
}

store::Repository locate_repository(const Settings& settings) {
  store::Repository repo = settings.repo ? store::Repository::open(settings.cwd / *settings.repo)
                                         : store::Repository::discover(settings.cwd);
  repo.use_config_sources(settings.git_config);
  return repo;
}

std::string resolve_ref(const Settings& settings, const store::Repository& repo) {
  std::string ref = settings.ref ? *settings.ref : repo.config("docket.ref").value_or(kDefaultRef);
  // A bare branch name is accepted as a convenience: `--ref audit` means refs/heads/audit.
  if (!ref.starts_with("refs/")) ref = "refs/heads/" + ref;
  return ref;
}

std::string signing_key_spec(const Settings& settings, const store::Repository& repo) {
  std::optional<std::string> spec = settings.key;
  if (!spec) {
    const auto format = repo.config("gpg.format");
    const auto key = repo.config("user.signingkey");
    const bool ssh = format && *format == "ssh";
    if (key && !ssh)
      throw Error(ExitCode::key,
                  "git config user.signingkey is set (" + *key + ") but gpg.format is " +
                      (format ? "\"" + *format + "\"" : std::string("not set (git then means OpenPGP)")) +
                      "; docket signs with SSH keys, as git does with gpg.format=ssh",
                  "run: git config gpg.format ssh (or pass --key / set DOCKET_SIGNING_KEY)");
    if (key) spec = key;
    // git asks gpg.ssh.defaultKeyCommand only when user.signingkey is unset.
    if (!spec)
      if (const auto command = repo.config("gpg.ssh.defaultKeyCommand")) {
        if (!ssh)
          throw Error(ExitCode::key, "git config gpg.ssh.defaultKeyCommand is set but gpg.format is not ssh, so git and docket ignore it",
                      "run: git config gpg.format ssh");
        spec = crypto::default_signing_key(*command, settings.signing);
      }
  }
  if (!spec)
    throw Error(ExitCode::key, "no signing key is configured",
                "pass --key ~/.ssh/id_ed25519, set DOCKET_SIGNING_KEY, or run: git config gpg.format ssh && "
                "git config user.signingkey ~/.ssh/id_ed25519");
  // `~/` as git's interpolate_path expands it.
  if (spec->starts_with("~/") && settings.home) spec = (*settings.home / spec->substr(2)).string();
  return *spec;
}

Actor resolve_actor(const Settings& settings, const store::Repository& repo) {
  const auto email_text = settings.actor_email ? settings.actor_email : repo.config("user.email");
  if (!email_text)
    throw Error(ExitCode::usage, "no actor e-mail is configured",
                "set it with: git config user.email you@example.com (or DOCKET_ACTOR_EMAIL)");
  const auto email = Email::parse(*email_text);
  if (!email)
    throw Error(ExitCode::usage, "the actor e-mail '" + *email_text + "' is not a valid address",
                "set a plain address such as alice@example.com in git config user.email or DOCKET_ACTOR_EMAIL");
  std::string name = settings.actor_name ? *settings.actor_name : repo.config("user.name").value_or("");
  if (name.empty()) name = email->str().substr(0, email->str().find('@'));
  return Actor{*email, name};
}

namespace {

// docket.yaml's `ingest.templates` may name only templates the store has. Checked where both are
// read, so a misspelt name fails at once, naming the key, not at some later ingest.
void check_ingest_templates(const StoreConfig& config) {
  for (const auto& [key, name] : config.policy.ingest.templates) {
    if (config.templates.count(name)) continue;
    std::vector<std::string> names;
    for (const auto& [n, t] : config.templates) names.push_back(n);
    const auto guess = closest_match(name, names);
    // The suggestion is part of the message: verify reports this as rule config-valid, message only.
    throw Error(ExitCode::usage,
                std::string(kPolicyPath) + ": field 'ingest.templates." + key + "': no template '" + name + "' in this store" +
                    (guess ? " (did you mean '" + *guess + "'?)" : std::string()),
                "map only templates under templates/; an admin corrects docket.yaml with a signed commit (docs/ingest.md)");
  }
}

}  // namespace

StoreConfig load_config(const store::Snapshot& snap) {
  StoreConfig config;
  const auto policy_text = snap.read(kPolicyPath);
  if (!policy_text) {
    // The rest of a store without its policy: docket.yaml was removed or renamed by hand, and
    // `docket init` (the hint for a ref that is no store at all) would be the wrong advice.
    const bool store_files = snap.blob_id(kSignersPath) || snap.tree_id("exceptions") || snap.tree_id("templates");
    if (store_files)
      throw Error(ExitCode::store,
                  "commit " + snap.commit().hex +
                      " has no docket.yaml, the store's policy, but holds the rest of a docket store (allowed_signers, "
                      "templates/, exceptions/): docket.yaml was removed or renamed by hand",
                  "run docket verify to find the commit that removed it; an admin restores it with a signed commit "
                  "(git checkout <that commit>~1 -- docket.yaml, then git commit -S)");
    throw Error(ExitCode::store, "commit " + snap.commit().hex + " has no docket.yaml: this ref is not a docket store",
                no_store_hint());
  }
  config.policy = codec::policy_from_yaml(*policy_text, kPolicyPath);
  const auto signers_text = snap.read(kSignersPath);
  if (!signers_text)
    throw Error(ExitCode::store, "commit " + snap.commit().hex + " has no allowed_signers: this store is damaged",
                "run docket verify to see what happened to it");
  config.signers = crypto::AllowedSigners::parse(*signers_text, kSignersPath);
  if (const auto revoked_text = snap.read(kRevokedKeysPath)) {
    config.revoked = crypto::RevokedKeys::parse(*revoked_text, kRevokedKeysPath);
    config.revoked_file = true;
  }
  for (const auto& entry : snap.walk("templates")) {
    if (!entry.path.ends_with(".yaml")) continue;
    const auto text = snap.read(entry.path);
    Template t = codec::template_from_yaml(*text, entry.path);
    if (entry.path != template_path(t.name))
      throw Error(ExitCode::usage, entry.path + ": field 'name': '" + t.name + "' does not match the file name",
                  "rename the file or the template so they agree");
    config.templates.emplace(t.name, std::move(t));
  }
  check_ingest_templates(config);
  return config;
}

std::optional<ExceptionId> record_file_id(std::string_view name) {
  if (!name.ends_with(".yaml")) return std::nullopt;
  name.remove_suffix(5);
  return ExceptionId::parse(name);
}

std::vector<ExceptionId> record_ids(const store::Snapshot& snap) {
  std::vector<ExceptionId> ids;
  // Only files at their id's own path (record_path) are records: a file in another fan-out
  // folder or outside one (which verify refuses) is not read as one.
  for (const auto& entry : snap.walk("exceptions"))
    if (auto id = record_file_id(std::string_view(entry.path).substr(entry.path.rfind('/') + 1)))
      if (entry.path == record_path(*id)) ids.push_back(*id);
  return ids;
}

namespace {
constexpr std::string_view kStoredRecordHint =
    "this record in the store cannot be read: run docket verify, and have an admin repair it (docs/verify.md)";
}

Record parse_record(std::string_view yaml, const std::string& path, const ExceptionId& id) {
  Record r;
  try {
    r = codec::record_from_yaml(yaml, path);
  } catch (const Error& e) {
    // The reader's hint speaks to someone writing YAML; nobody here wrote this record.
    if (e.code() != ExitCode::usage) throw;
    throw Error(ExitCode::usage, e.what(), std::string(kStoredRecordHint));
  }
  if (r.id != id)
    throw Error(ExitCode::usage, path + ": field 'id': '" + r.id.str() + "' does not match the file name",
                std::string(kStoredRecordHint));
  return r;
}

void require_record_size(const std::string& path, std::uint64_t size) {
  if (size > codec::max_yaml_bytes)
    throw Error(ExitCode::usage,
                path + " is " + std::to_string(size) + " bytes, more than the " + std::to_string(codec::max_yaml_bytes) +
                    " a record may hold",
                std::string(kStoredRecordHint));
}

std::optional<std::string> record_entry_problem(std::string_view folder, std::string_view name, std::uint32_t mode) {
  if (folder.empty())
    return mode == store::FileVersion::folder ? std::nullopt
                                               : std::optional<std::string>("a file where a fan-out folder of records belongs");
  const auto id = record_file_id(name);
  if (mode == store::FileVersion::folder) return std::string("a folder where record files belong");
  if (mode == 0160000) return std::string("a submodule entry, not a record file");
  if (mode == 0120000) return std::string("a symbolic link, not a record file");
  if (!id) return std::string("not a record file: docket writes only <ID>.yaml files here");
  if (id->suffix().substr(0, 2) != folder)
    return "a record file outside its fan-out folder: " + id->str() + " belongs at " + record_path(*id);
  return std::nullopt;
}

Record load_record(const store::Snapshot& snap, const ExceptionId& id) {
  const std::string path = record_path(id);
  const auto size = snap.blob_size(path);
  if (!size) throw Error(ExitCode::not_found, "no exception " + id.str() + " in this store", "see docket list");
  require_record_size(path, *size);
  const auto text = snap.read(path);
  if (!text) throw Error(ExitCode::not_found, "no exception " + id.str() + " in this store", "see docket list");
  return parse_record(*text, path, id);
}

std::vector<Record> load_records(const store::Snapshot& snap, std::vector<UnreadableRecord>* unreadable) {
  std::vector<Record> records;
  for (const auto& id : record_ids(snap)) {
    if (!unreadable) {
      records.push_back(load_record(snap, id));
      continue;
    }
    try {
      records.push_back(load_record(snap, id));
    } catch (const Error& e) {
      if (e.code() == ExitCode::internal) throw;
      unreadable->push_back({record_path(id), e.what()});
    }
  }
  return records;
}

Session::Session(const Settings& settings)
    : settings_(settings),
      repo_(locate_repository(settings)),
      store_(repo_, resolve_ref(settings, repo_)),
      index_(store_, settings.use_index) {}

store::Snapshot Session::unverified_tip() const {
  store::Snapshot snap = store_.tip();
  if (snap.empty()) throw missing_store(repo_, store_);
  return snap;
}

store::Snapshot Session::tip() {
  // Verified before its tree is read: a hostile tip's tree is never parsed by a command.
  const auto id = store_.lookup_ref(store_.ref());
  if (!id) return unverified_tip();  // throws: not a docket store
  try {
    require_docket_tip(*this, *id);
  } catch (const Error& e) {
    // A shallow clone lacks the commits verify needs: say so rather than only what is missing.
    if (!repo_.is_shallow()) throw;
    throw Error(e.code(), std::string(e.what()) + " (this repository is a shallow clone: docket verifies every commit from the store's root)",
                "fetch the whole history with: git fetch --unshallow, then run the command again");
  }
  return store_.at_for_reading(*id);
}

Timestamp Session::now() const {
  if (attempt_now_) return *attempt_now_;
  return settings_.now ? *settings_.now : current_time();
}

const Actor& Session::actor() {
  if (!actor_) actor_ = resolve_actor(settings_, repo_);
  return *actor_;
}

std::string Session::commit_name(const store::Snapshot& parent) { return recorded_name(parent, actor()); }

const crypto::Signer& Session::signer() {
  if (!signer_) {
    signer_ = crypto::load_signer(signing_key_spec(settings_, repo_), settings_.signing);
  }
  return *signer_;
}

void Session::check_signer_allowed(const StoreConfig& config) {
  const auto& key = signer().public_key();
  if (config.revoked.contains(key))
    throw Error(ExitCode::key,
                "the signing key " + key.fingerprint() + " was revoked (replaced by docket member key, or its member removed)" +
                    " and can never sign again",
                "sign with your current key (docket member list shows it), or ask an admin for: docket member key " +
                    actor().email.str() + " --key NEW.pub");
  if (!config.signers.allows(actor().email.str(), key, "git", now()))
    throw Error(ExitCode::key,
                "the signing key " + key.fingerprint() + " is not listed for " + actor().email.str() +
                    " in the store's allowed_signers",
                "use the key registered for you, or ask an admin to run: docket member add " + actor().email.str() +
                    " --key YOUR_KEY.pub --role ROLE");
}

ExceptionId Session::resolve_id(const store::Snapshot& snap, std::string_view query) {
  std::vector<ExceptionId> ids;
  if (const auto folder = fanout_of_query(query)) {
    // Every id the query can match lies in this one folder.
    for (const auto& name : snap.list("exceptions/" + *folder))
      if (auto id = record_file_id(name)) ids.push_back(*id);
  } else {
    for (auto& s : index_.summaries(snap)) ids.push_back(std::move(s.id));
  }
  const auto match = match_id(query, ids);
  switch (match.kind) {
    case IdMatch::Kind::unique: return match.id;
    case IdMatch::Kind::none:
      throw Error(ExitCode::not_found, "no exception matches '" + std::string(query) + "'", "see docket list for ids");
    case IdMatch::Kind::ambiguous: {
      std::string list;
      for (const auto& c : match.candidates) list += (list.empty() ? "" : ", ") + c.str();
      throw Error(ExitCode::conflict, "'" + std::string(query) + "' is ambiguous: it matches " + list,
                  "type more characters of the id");
    }
  }
  throw Error(ExitCode::internal, "unreachable id match");
}

store::ObjectId Session::commit(const std::function<Commit(const store::Snapshot&)>& build) {
  const Actor who = actor();
  const crypto::Signer& key = signer();
  struct Unpin {
    std::optional<Timestamp>& pinned;
    ~Unpin() { pinned.reset(); }
  } unpin{attempt_now_};
  store::Snapshot base;
  std::vector<std::pair<store::ObjectId, const Record*>> written;  // of the attempt that lands
  const store::ObjectId made = store_.update(
      [&](const store::Snapshot& snap) {
        if (snap.empty())
          throw missing_store(repo_, store_);
        // Never build on history nobody verified (re-checked on every attempt: a lost race means
        // someone else's commits are now under ours).
        require_docket_tip(*this, snap.commit());
        // One reading of the clock per attempt: the record's stamps and the commit time must
        // agree to the second, or verify's replay would not reproduce the record.
        attempt_now_.reset();
        attempt_now_ = now();
        // The same time rules verify applies: never earlier than the tip, within the range. A tip
        // at most the policy's clock skew ahead of this clock (a peer whose clock runs fast, which
        // verify accepts) gives its time to this commit instead of locking this writer out.
        const Timestamp tip_time = store_.committer_time(snap.commit());
        if (tip_time > *attempt_now_ && tip_time - *attempt_now_ <= clock_skew_at(snap)) attempt_now_ = tip_time;
        core::check_commit_time(*attempt_now_, {tip_time}, *attempt_now_, Duration{0});
        Commit c = build(snap);
        base = snap;
        written.clear();
        std::unordered_map<std::string, const Record*> by_path;
        by_path.reserve(c.written.size());
        for (const Record* r : c.written) by_path.emplace(record_path(r->id), r);
        for (const auto& change : c.changes)
          if (const auto* text = std::get_if<std::string>(&change.content))
            if (const auto it = by_path.find(change.path); it != by_path.end())
              written.emplace_back(store::hash_blob(*text), it->second);
        return store::Store::Update{std::move(c.changes),
                                    store::CommitInfo{std::move(c.message), recorded_name(snap, who), who.email, *attempt_now_}};
      },
      key);
  // Our own commit, built by the core rules on a verified parent: the new verified tip.
  record_verified_tip(repo_, store_.ref(), made);
  index_.record_commit(base, store_.at(made), written);
  store::pack_if_needed(repo_);
  return made;
}

}  // namespace docket::app
