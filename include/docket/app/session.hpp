#pragma once
// An opened docket store: repository, ref, actor, clock and (on demand) the signing key.
// Every command that reads or writes a store starts by building one.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "docket/app/record_index.hpp"
#include "docket/app/settings.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/template.hpp"
#include "docket/crypto/allowed_signers.hpp"
#include "docket/crypto/revoked_keys.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/store/store.hpp"

namespace docket::app {

// The store's configuration at one commit: policy, templates, allowed signers and revoked keys.
struct StoreConfig {
  Policy policy;
  std::map<std::string, Template> templates;
  crypto::AllowedSigners signers;
  crypto::RevokedKeys revoked;  // empty when the store has no revoked_keys file (made before it existed)
  bool revoked_file = false;    // the tree holds revoked_keys
};

// The store's configuration files; every other path is records or evidence.
inline constexpr std::string_view kPolicyPath = "docket.yaml";
inline constexpr std::string_view kSignersPath = "allowed_signers";
inline constexpr std::string_view kRevokedKeysPath = "revoked_keys";
// Where the template `name` lives in the store: `templates/<name>.yaml`.
inline std::string template_path(std::string_view name) { return "templates/" + std::string(name) + ".yaml"; }

// Reads docket.yaml, templates/, allowed_signers and revoked_keys (absent = none revoked) from
// `snap`. Throws Error(store) when the snapshot is not a docket store, Error(usage) naming the
// file when one is malformed.
StoreConfig load_config(const store::Snapshot& snap);

// The id a record file's name (`<ID>.yaml`) gives; nullopt for any other name.
std::optional<ExceptionId> record_file_id(std::string_view name);
// Ids of every record in `snap`, from the paths alone (no parsing): the files at their id's own
// path (record_path), nothing else.
std::vector<ExceptionId> record_ids(const store::Snapshot& snap);
// Parses the YAML of the record file at `path` (record_path(id)), which must hold record `id`.
// Throws Error(usage) naming `path` and the field when the text is malformed or names another id
// (the hint: the stored record cannot be read; run verify and have an admin repair it).
Record parse_record(std::string_view yaml, const std::string& path, const ExceptionId& id);
// Why the entry `name` (git file mode `mode`) of the fan-out folder `folder` under exceptions/
// is not a record docket can read — a folder, submodule or symbolic link in a record's place, a
// record file outside its own folder, any other name — or nullopt for a record file at its own
// path. `folder` empty: an entry directly under exceptions/, where only folders belong.
std::optional<std::string> record_entry_problem(std::string_view folder, std::string_view name, std::uint32_t mode);
// Throws Error(usage) naming `path` when a record blob of `size` bytes is larger than a record
// may be (codec::max_yaml_bytes): checked from the object's header, before the blob is read.
void require_record_size(const std::string& path, std::uint64_t size);
// Reads and parses one record; Error(not_found) when absent.
Record load_record(const store::Snapshot& snap, const ExceptionId& id);

// Every record, parsed from its YAML (commands that read many records use the RecordIndex's
// summaries instead; this is the reference path the index is tested against). With
// `unreadable`, a record that fails to parse is appended there and skipped; without it, its
// Error propagates.
std::vector<Record> load_records(const store::Snapshot& snap, std::vector<UnreadableRecord>* unreadable = nullptr);

struct Actor {
  Email email;
  std::string name;
};

class Session {
public:
  // Finds the repository and the ref (Settings, then git config docket.ref, then the default).
  explicit Session(const Settings& settings);

  store::Repository& repository() { return repo_; }
  store::Store& store() { return store_; }
  // The tip, which must be a docket store (Error(store) with a hint to run `docket init`) whose
  // history verifies up to it (require_verified in app/verify.hpp; Error(untrusted) otherwise).
  store::Snapshot tip();
  // The tip without the trust gate: for verify itself, and for messages about an absent store.
  store::Snapshot unverified_tip() const;
  // DOCKET_NOW, else the clock; during a commit attempt, the one reading that attempt uses.
  Timestamp now() const;
  // The acting user, from DOCKET_ACTOR_EMAIL or git config user.email. Error(usage) if unset.
  const Actor& actor();
  // The name a commit on `parent` carries: the actor's name as docket.yaml in `parent` records
  // it (core::commit_name), or the configured name when the actor is not a member there.
  std::string commit_name(const store::Snapshot& parent);
  // The signing key, loaded once. Error(key) when none is configured or it cannot be used.
  const crypto::Signer& signer();
  // Refuses (Error(key)) when the signer's key is not listed for the actor in `config.signers`
  // (saying so when the key was revoked): such a commit would fail `verify`, so it is never
  // written.
  void check_signer_allowed(const StoreConfig& config);

  // Resolves a user-typed id or prefix against the records in `snap`. A query that names the
  // fan-out folder (two characters of the random part) reads that folder only.
  ExceptionId resolve_id(const store::Snapshot& snap, std::string_view query);

  // The local record index of this store (app/record_index.hpp).
  RecordIndex& index() { return index_; }

  // Runs one transaction: `build` sees the current tip (re-read on every retry) and returns the
  // changes and a commit message; the commit is signed by the actor's key.
  // `written` names the records the changes write (pointers valid until commit() returns), so
  // the index learns them without parsing.
  struct Commit {
    std::vector<store::Change> changes;
    std::string message;
    std::vector<const Record*> written = {};
  };
  store::ObjectId commit(const std::function<Commit(const store::Snapshot&)>& build);

  const Settings& settings() const { return settings_; }

private:
  Settings settings_;
  store::Repository repo_;
  store::Store store_;
  RecordIndex index_;
  std::optional<Actor> actor_;
  std::unique_ptr<crypto::Signer> signer_;
  std::optional<Timestamp> attempt_now_;  // the clock, read once per commit attempt
};

// The ref to use for `repo` given the settings: --ref/DOCKET_REF, git config docket.ref, default.
// Error(usage) when the name is not a valid ref under refs/.
std::string resolve_ref(const Settings& settings, const store::Repository& repo);
// Locates the repository: -C/DOCKET_REPO exactly, else discovery upward from cwd.
store::Repository locate_repository(const Settings& settings);

// The signing-key spec for crypto::load_signer, as git finds it: --key / DOCKET_SIGNING_KEY,
// else user.signingkey with gpg.format=ssh, else the key gpg.ssh.defaultKeyCommand prints;
// `~/` expanded. Throws Error(ExitCode::key) when none is configured, or when user.signingkey
// is set without gpg.format=ssh (saying so).
std::string signing_key_spec(const Settings& settings, const store::Repository& repo);
Actor resolve_actor(const Settings& settings, const store::Repository& repo);

}  // namespace docket::app
