#include "docket/app/verify_merge.hpp"

#include <map>

#include "docket/app/fork_check.hpp"
#include "docket/app/merge_stores.hpp"
#include "docket/core/error.hpp"
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
    check_signer(*first_config, *second_config);

    const auto base = store.merge_base(c_.parents[0], c_.parents[1]);
    if (!base) {
      violation("", "merge-unrelated", "the two parents share no history");
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
    check_tree(apply_changes(files_of(first), merged.changes), files_of(store.at(c_.id)));
    return std::move(out_);
  }

private:
  void violation(std::string record, std::string rule, std::string message) {
    out_.push_back(Violation{c_.id.hex, std::move(record), std::move(rule), std::move(message)});
  }

  // Signed by a key the first parent allows for the committer, who is a member on both sides
  // (a member removed on one side cannot merge its offline work back in).
  void check_signer(const StoreConfig& first, const StoreConfig& second) {
    crypto::SplitCommit split;
    try {
      split = crypto::split_signed_commit(c_.raw);
    } catch (const Error& e) {
      violation("", "signature", e.what());
      return;
    }
    const auto check = crypto::check_commit_signature(c_.raw, first.signers);
    if (check.status != crypto::SignatureStatus::good) {
      std::string detail(crypto::to_string(check.status));
      if (check.key) detail += " (key " + check.key->fingerprint() + ")";
      violation("", "signature", "signature of " + split.committer_email + " on the merge is " + detail);
      return;
    }
    const auto email = Email::parse(split.committer_email);
    if (!email) {
      violation("", "signature", "committer e-mail '" + split.committer_email + "' is not valid");
      return;
    }
    if (c_.author_email != split.committer_email)
      violation("", "author-is-committer", "author " + c_.author_email + " differs from the signing committer " + split.committer_email);
    if (!first.policy.find_member(*email) || !second.policy.find_member(*email))
      violation("", "member-required", email->str() + " signed the merge but is not a member on both sides");
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
