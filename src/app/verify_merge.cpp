#include "docket/app/verify_merge.hpp"

#include <map>

#include "docket/app/fork_check.hpp"
#include "docket/app/merge_stores.hpp"
#include "docket/core/error.hpp"
#include "docket/core/membership.hpp"
#include "docket/crypto/commit_signature.hpp"

namespace docket::app {
namespace {

using FileMap = std::map<std::string, std::string>;  // path → blob id

FileMap files_of(const store::Snapshot& snap) {
  FileMap out;
  for (auto& e : snap.walk("")) out.emplace(std::move(e.path), std::move(e.blob.hex));
  return out;
}

// The tree `changes` make of `first_parent`, as paths and blob ids, without writing anything.
FileMap apply_changes(FileMap files, const std::vector<store::Change>& changes) {
  for (const auto& change : changes) {
    if (const auto* text = std::get_if<std::string>(&change.content)) files[change.path] = store::hash_blob(*text).hex;
    else if (const auto* blob = std::get_if<store::ExistingBlob>(&change.content)) files[change.path] = blob->id.hex;
    else files.erase(change.path);
  }
  return files;
}

class MergeChecker {
public:
  MergeChecker(Session& session, const store::CommitRecord& c) : session_(session), c_(c) {}

  std::vector<Violation> run() {
    if (c_.parents.size() != 2) {
      violation("", "merge-parents",
                "the merge commit has " + std::to_string(c_.parents.size()) + " parents; docket sync writes exactly two");
      return std::move(out_);
    }
    store::Store& store = session_.store();
    const store::Snapshot first = store.at(c_.parents[0]);
    const store::Snapshot second = store.at(c_.parents[1]);
    std::optional<StoreConfig> first_config, second_config;
    try {
      first_config = load_config(first);
      second_config = load_config(second);
    } catch (const Error& e) {
      violation("", "config-valid", std::string("a parent's configuration cannot be read: ") + e.what());
      return std::move(out_);
    }
    if (!check_signer(*first_config, *second_config)) return std::move(out_);

    const auto base = store.merge_base(c_.parents[0], c_.parents[1]);
    if (!base) {
      violation("", "merge-unrelated", "the two parents share no history");
      return std::move(out_);
    }
    // sync fast-forwards when one side contains the other; such a "merge" only serves to carry
    // a message or a signer that no real merge would.
    if (*base == c_.parents[0] || *base == c_.parents[1]) {
      violation("", "merge-parents", "one parent contains the other; docket sync fast-forwards instead of merging");
      return std::move(out_);
    }
    try {
      for (const auto& fork : check_fork(store, *base, c_.parents[0], c_.parents[1]))
        violation("", std::string(core::fork_rule_name()), fork.message);
    } catch (const Error& e) {
      violation("", "config-valid", std::string("a configuration on one side cannot be read: ") + e.what());
    }
    const StoreMerge merged = merge_snapshots(store.at(*base), first, second);
    for (const auto& conflict : merged.conflicts)
      violation(conflict.record, "merge-conflict", "field '" + conflict.field + "': " + conflict.message);
    if (!merged.conflicts.empty()) return std::move(out_);
    check_message(merged.merged_records);
    check_tree(apply_changes(files_of(first), merged.changes), files_of(store.at(c_.id)));
    return std::move(out_);
  }

private:
  void violation(std::string record, std::string rule, std::string message) {
    out_.push_back(Violation{c_.id.hex, std::move(record), std::move(rule), std::move(message)});
  }

  // Signed by a key that both parents allow for the committer and neither revoked, by someone
  // who is a member on both sides (a member removed, or a key replaced, on one side cannot merge
  // its offline work back in), under the name the first parent records for them. False when the
  // merge cannot be attributed, so its tree is not read.
  bool check_signer(const StoreConfig& first, const StoreConfig& second) {
    crypto::SplitCommit split;
    try {
      split = crypto::split_signed_commit(c_.raw);
    } catch (const Error& e) {
      violation("", "signature-invalid", e.what());
      return false;
    }
    for (const StoreConfig* side : {&first, &second}) {
      const auto check = crypto::check_commit_signature(c_.raw, side->signers);
      if (check.key && side->revoked.contains(*check.key)) {
        violation("", "key-revoked",
                  "the merge is signed by " + split.committer_email + " with the key " + check.key->fingerprint() +
                      ", which " + (side == &first ? "the first" : "the second") + " parent lists as revoked (revoked_keys)");
        return false;
      }
      if (check.status != crypto::SignatureStatus::good) {
        std::string detail(crypto::to_string(check.status));
        if (check.key) detail += " (key " + check.key->fingerprint() + ")";
        const std::string rule = check.status == crypto::SignatureStatus::unsigned_commit ? "signature-missing"
                                 : check.status == crypto::SignatureStatus::unknown_key   ? "signer-unknown"
                                                                                          : "signature-invalid";
        violation("", rule, "the signature of " + split.committer_email + " on the merge is " + detail + " for the " +
                                (side == &first ? "first" : "second") + " parent's allowed_signers");
        return false;
      }
    }
    const auto email = Email::parse(split.committer_email);
    if (!email) {
      violation("", "signer-unknown", "committer e-mail '" + split.committer_email + "' is not valid");
      return false;
    }
    const Member* member = first.policy.find_member(*email);
    if (!member || !second.policy.find_member(*email)) {
      violation("", "member-required", email->str() + " signed the merge but is not a member on both sides");
      return false;
    }
    if (c_.committer_name != core::commit_name(*member))
      violation("", "committer-name", "the merge's committer name '" + c_.committer_name + "' is not " + email->str() +
                                          "'s recorded name '" + core::commit_name(*member) + "'");
    return true;
  }

  // Exactly the message sync writes for this merge: its subject names a remote, and its trailers
  // list the records the deterministic merge merged field by field — no replay line.
  void check_message(const std::vector<ExceptionId>& merged_records) {
    constexpr std::string_view prefix = "docket: sync merge with ";
    const std::string_view message = c_.message;
    const std::string_view subject = message.substr(0, message.find('\n'));
    const std::string_view remote = subject.starts_with(prefix) ? subject.substr(prefix.size()) : std::string_view{};
    if (!valid_remote_name(remote) || message != merge_commit_message(remote, merged_records))
      violation("", "message-mismatch",
                "the merge's message is not the one docket sync writes for it (\"docket: sync merge with REMOTE\", "
                "Docket-Command: sync and one Docket-Record line per record merged)");
  }

  void check_tree(const FileMap& expected, const FileMap& actual) {
    std::size_t reported = 0;
    auto differs = [&](const std::string& path, const std::string& what) {
      if (++reported <= 10) violation(path, "merge-tree", "the merge's tree is not the merge of its parents: " + path + " " + what);
    };
    for (const auto& [path, blob] : expected) {
      const auto it = actual.find(path);
      if (it == actual.end()) differs(path, "is missing");
      else if (it->second != blob) differs(path, "has other content");
    }
    for (const auto& [path, blob] : actual)
      if (!expected.count(path)) differs(path, "should not be there");
    if (reported > 10) violation("", "merge-tree", std::to_string(reported - 10) + " more paths differ");
  }

  Session& session_;
  const store::CommitRecord& c_;
  std::vector<Violation> out_;
};

}  // namespace

std::vector<Violation> check_merge_commit(Session& session, const store::CommitRecord& c) {
  return MergeChecker(session, c).run();
}

}  // namespace docket::app
