#include "docket/app/fork_check.hpp"

#include <optional>

#include "docket/app/session.hpp"
#include "docket/codec/command_json.hpp"
#include "docket/core/error.hpp"
#include "docket/core/merge.hpp"
#include "docket/crypto/commit_signature.hpp"

namespace docket::app {
namespace {

bool is_config_path(const std::string& p) {
  return p == "docket.yaml" || p == "allowed_signers" || (p.starts_with("templates/") && p.ends_with(".yaml"));
}

// Who may act: docket.yaml (members, roles) and allowed_signers (keys). Templates grant nothing.
bool same_grants(const store::Snapshot& a, const store::Snapshot& b) {
  return a.blob_id("docket.yaml") == b.blob_id("docket.yaml") && a.blob_id("allowed_signers") == b.blob_id("allowed_signers");
}

std::string short_id(const std::string& hex) { return hex.substr(0, 12); }

// One commit of a side as the fork rule sees it: its signer and what each change needed.
struct SideCommit {
  store::CommitRecord record;
  Email signer;
  std::vector<core::RoleNeed> needs;
};

class ForkChecker {
public:
  ForkChecker(const store::Store& store, const store::ObjectId& base) : store_(store), base_(store.at(base)) {}

  void check_side(const store::ObjectId& side, const store::ObjectId& other, std::vector<ForkViolation>& out) {
    const store::Snapshot other_tip = store_.at(other);
    if (same_grants(base_, other_tip)) return;
    const StoreConfig config = load_config(other_tip);
    std::optional<std::vector<std::pair<std::string, StoreConfig>>> other_changes;  // loaded on the first refusal
    for (const auto& id : store_.commits_between(side, other)) {
      const auto commit = read_side_commit(id);
      if (!commit) continue;
      const auto reason = refusal(*commit, config);
      if (!reason) continue;
      if (!other_changes) other_changes = grant_changes(other);
      std::string revoked_at;
      for (const auto& [change, after] : *other_changes)
        if (refusal(*commit, after)) {
          revoked_at = change;
          break;
        }
      out.push_back(ForkViolation{
          commit->record.id.hex, revoked_at,
          "commit " + short_id(commit->record.id.hex) + " by " + commit->signer.str() +
              " on one side of the fork is not allowed on the other side (" + short_id(other.hex) + "): " + *reason +
              (revoked_at.empty() ? std::string() : " since commit " + short_id(revoked_at)) +
              "; a removal, role change or key replacement reaches every branch"});
    }
  }

private:
  std::optional<SideCommit> read_side_commit(const store::ObjectId& id) const {
    store::CommitRecord c = store_.read_commit(id);
    if (c.parents.empty()) return std::nullopt;  // a root is the base's
    std::optional<Email> signer;
    try {
      signer = Email::parse(crypto::split_signed_commit(c.raw).committer_email);
    } catch (const Error&) {
      return std::nullopt;  // verify's signature rules report it
    }
    if (!signer) return std::nullopt;
    SideCommit out{std::move(c), *signer, {}};
    for (const auto& line : codec::find_replay_lines(out.record.message)) {
      try {
        const auto replay = codec::replay_from_json(line);
        out.needs.push_back(replay.open ? core::role_needed_to_open() : core::role_needed(*replay.command));
      } catch (const Error&) {
        // verify's replay rule reports it
      }
    }
    // A merge changes nothing of its own (verify checks its tree), but its signer acted: it is
    // held to membership and a listed key like any other commit (needs stay empty: any role).
    if (out.record.parents.size() > 1) return out;
    for (const auto& change : store_.changed_paths(store_.at(out.record.parents.front()), store_.at(out.record.id)))
      if (is_config_path(change.path)) {
        out.needs.push_back(core::role_needed_to_configure());
        break;
      }
    return out;
  }

  static std::optional<std::string> refusal(const SideCommit& c, const StoreConfig& config) {
    const auto check = crypto::check_commit_signature(c.record.raw, config.signers);
    // Unsigned or forged commits are verify's signature rules' concern, not this rule's.
    if (check.status != crypto::SignatureStatus::good && check.status != crypto::SignatureStatus::unknown_key)
      return std::nullopt;
    const bool key_listed = check.status == crypto::SignatureStatus::good;
    if (c.needs.empty()) {
      // A commit with no recognised change still needs its signer to be a member with a listed key.
      return core::fork_refusal(c.signer, core::RoleNeed{{Role::reporter, Role::responder, Role::approver, Role::admin}, {}, "act"},
                                key_listed, config.policy);
    }
    for (const auto& need : c.needs)
      if (auto reason = core::fork_refusal(c.signer, need, key_listed, config.policy)) return reason;
    return std::nullopt;
  }

  // The commits on the other side that changed who may act, oldest first, each with the
  // configuration it left in force: to name the commit that took a permission away.
  std::vector<std::pair<std::string, StoreConfig>> grant_changes(const store::ObjectId& other) const {
    std::vector<std::pair<std::string, StoreConfig>> out;
    for (const auto& id : store_.commits_between(other, base_.commit())) {
      const store::CommitRecord c = store_.read_commit(id);
      if (c.parents.size() != 1) continue;
      const store::Snapshot after = store_.at(id);
      if (same_grants(store_.at(c.parents.front()), after)) continue;
      try {
        out.emplace_back(id.hex, load_config(after));
      } catch (const Error&) {
        // verify's config-valid rule reports it
      }
    }
    return out;
  }

  const store::Store& store_;
  const store::Snapshot base_;
};

}  // namespace

std::vector<ForkViolation> check_fork(const store::Store& store, const store::ObjectId& base, const store::ObjectId& first,
                                      const store::ObjectId& second) {
  std::vector<ForkViolation> out;
  ForkChecker checker(store, base);
  checker.check_side(first, second, out);
  checker.check_side(second, first, out);
  return out;
}

}  // namespace docket::app
