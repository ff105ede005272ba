#include "docket/app/init.hpp"

#include "docket/app/builtin_templates.hpp"
#include "docket/app/ref_guard.hpp"
#include "docket/app/session.hpp"
#include "docket/app/trust.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"
#include "docket/core/membership.hpp"
#include "docket/crypto/allowed_signers.hpp"

namespace docket::app {
namespace {

store::Repository open_or_create(const Settings& settings, bool& created) {
  created = false;
  std::optional<store::Repository> repo;
  if (settings.repo) repo = store::Repository::open_or_init(settings.cwd / *settings.repo, created);
  if (!repo) repo = store::Repository::discover_if_any(settings.cwd);
  if (!repo) repo = store::Repository::open_or_init(settings.cwd, created);
  repo->use_config_sources(settings.git_config);
  return std::move(*repo);
}

Policy initial_policy(const Actor& founder, const InitOptions& options) {
  const Email& admin = founder.email;
  Policy p;
  p.id_prefix = options.id_prefix;
  // The founder's name is recorded like any member's: it is the name their commits carry.
  p.members.push_back(Member{admin, core::valid_member_name(founder.name) ? founder.name : std::string{},
                             {Role::admin, Role::approver, Role::responder}});
  // Templates route to these teams; until an admin names the real owners, the founder holds them.
  p.teams["security"] = {admin};
  p.teams["platform"] = {admin};
  p.escalation = {admin};
  return p;
}

}  // namespace

InitResult init_store(const Settings& settings, const InitOptions& options) {
  if (!valid_id_prefix(options.id_prefix))
    throw Error(ExitCode::usage, "id prefix '" + options.id_prefix + "' is not valid", "use 1 to 16 characters A-Z and 0-9");
  InitResult result;
  store::Repository repo = open_or_create(settings, result.created_repository);
  result.git_dir = repo.git_dir();
  result.ref = resolve_ref(settings, repo);
  store::Store store(repo, result.ref);
  if (store.exists())
    throw Error(ExitCode::conflict, result.ref + " already exists in " + repo.git_dir().string() + ": the store is already initialized",
                "use it as it is, or pass --ref NAME to create another store in this repository");

  const Actor actor = resolve_actor(settings, repo);
  const auto signer = crypto::load_signer(signing_key_spec(settings, repo), settings.signing);
  result.admin = actor.email;

  std::vector<store::Change> changes;
  const Policy policy = initial_policy(actor, options);
  changes.push_back({"docket.yaml", codec::policy_to_yaml(policy)});
  changes.push_back({"allowed_signers", allowed_signers_header() +
                                            crypto::AllowedSigners::format_line(actor.email, signer->public_key()) + "\n"});
  changes.push_back({std::string(kRevokedKeysPath), crypto::RevokedKeys::header()});
  for (const auto& [name, text] : builtin_templates()) {
    codec::template_from_yaml(text, template_path(name));  // a broken built-in must never reach a store
    changes.push_back({template_path(name), text});
  }
  const Timestamp now = settings.now ? *settings.now : current_time();
  const store::CommitInfo info{"docket: init store\n\nDocket-Command: init\n", core::commit_name(policy.members.front()), actor.email,
                               now};
  const auto root = store.try_commit(store::Snapshot{}, changes, info, *signer);
  if (!root)
    throw Error(ExitCode::conflict, "another process created " + result.ref + " at the same time", "run docket init again to see its state");
  result.root = *root;
  record_trust_root(repo, result.ref, result.root);
  record_verified_tip(repo, result.ref, result.root);
  // HEAD never names the store's ref: a work tree and index checked out from it (or an unborn
  // HEAD naming it, as `git init -b docket` leaves) would let a plain `git commit` there move it.
  if (repo.head_target() == result.ref) {
    result.head_moved_to = result.ref == "refs/heads/main" ? "refs/heads/master" : "refs/heads/main";
    repo.set_head(*result.head_moved_to);
  }
  result.guard = install_ref_guard(repo);
  return result;
}

}  // namespace docket::app
