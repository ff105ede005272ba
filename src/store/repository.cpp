// Finding, opening and creating repositories, and the bits of repository state docket reads or
// sets outside its ref: config and HEAD.

#include <git2/sys/repository.h>

#include "git_error.hpp"
#include "store_internal.hpp"

namespace docket::store {

using detail::check;
using detail::throw_git_error;

LibGit2::LibGit2() {
  int rc = git_libgit2_init();
  if (rc < 0) throw_git_error(rc, "cannot initialise libgit2");
}

LibGit2::~LibGit2() { git_libgit2_shutdown(); }

namespace {

// libgit2 is initialised on first use, not at start-up: its initialisation loads the TLS
// library's certificate store, which costs milliseconds that `docket --version`, `--help` and
// completion of command names need not pay. Shut down at exit.
void ensure_libgit2() { static const LibGit2 instance; }

}  // namespace

namespace {

std::string quoted(const std::filesystem::path& path) {
  // Appended rather than `"'" + …`, which trips GCC 12's false -Wrestrict alarm (GCC bug 105329).
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

// The git dir without libgit2's trailing slash, so that messages and paths read naturally.
std::string git_dir_of(git_repository* repo) {
  std::string dir = git_repository_path(repo);
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// Opens exactly `path` (a work tree or a git dir, no upward search). Returns GIT_ENOTFOUND
// without throwing so callers can decide what absence means.
int open_exactly(detail::RepositoryPtr& out, const std::filesystem::path& path) {
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  out.reset(raw);
  return rc;
}

}  // namespace

Repository::Repository(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

namespace {

std::unique_ptr<Repository::Impl> adopt(detail::RepositoryPtr repo) {
  auto impl = std::make_unique<Repository::Impl>();
  impl->where = git_dir_of(repo.get());
  impl->repo = std::move(repo);
  return impl;
}

}  // namespace

Repository Repository::discover(const std::filesystem::path& start) {
  ensure_libgit2();
  if (auto repo = discover_if_any(start)) return std::move(*repo);
  throw Error(ExitCode::store, "no git repository at or above " + quoted(start),
              "run `docket init` there, or name the repository with -C DIR");
}

std::optional<Repository> Repository::discover_if_any(const std::filesystem::path& start) {
  ensure_libgit2();
  detail::GitBuf found;
  int rc = git_repository_discover(found.get(), start.c_str(), /*across_fs=*/0, /*ceiling_dirs=*/nullptr);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) throw_git_error(rc, "cannot search for a git repository from " + quoted(start));
  detail::RepositoryPtr repo;
  rc = open_exactly(repo, found.c_str());
  if (rc < 0) throw_git_error(rc, std::string("cannot open the git repository at '") + found.c_str() + "'");
  return Repository(adopt(std::move(repo)));
}

Repository Repository::open(const std::filesystem::path& dir) {
  ensure_libgit2();
  detail::RepositoryPtr repo;
  int rc = open_exactly(repo, dir);
  if (rc == GIT_ENOTFOUND)
    throw Error(ExitCode::store, quoted(dir) + " is not a git repository",
                "name a work tree or a git dir, or run `docket init` there");
  if (rc < 0) throw_git_error(rc, "cannot open the git repository at " + quoted(dir));
  return Repository(adopt(std::move(repo)));
}

Repository Repository::open_or_init(const std::filesystem::path& dir, bool& created) {
  ensure_libgit2();
  detail::RepositoryPtr repo;
  int rc = open_exactly(repo, dir);
  if (rc == 0) {
    created = false;
    return Repository(adopt(std::move(repo)));
  }
  if (rc != GIT_ENOTFOUND) throw_git_error(rc, "cannot open the git repository at " + quoted(dir));

  git_repository* raw = nullptr;
  rc = git_repository_init(&raw, dir.c_str(), /*is_bare=*/0);  // creates missing parent folders
  repo.reset(raw);
  if (rc < 0) throw_git_error(rc, "cannot create a git repository at " + quoted(dir));
  created = true;
  return Repository(adopt(std::move(repo)));
}

std::filesystem::path Repository::git_dir() const { return impl_->where; }

std::filesystem::path Repository::common_dir() const {
  std::string dir = git_repository_commondir(impl_->repo.get());
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

bool Repository::is_bare() const { return git_repository_is_bare(impl_->repo.get()) == 1; }

bool Repository::is_shallow() const { return git_repository_is_shallow(impl_->repo.get()) == 1; }

std::vector<std::string> Repository::remote_names() const {
  detail::GitStrArray names;
  check(git_remote_list(names.get(), impl_->repo.get()), "cannot list the remotes of '" + impl_->where + "'");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i]);
  return out;
}

std::optional<std::string> Repository::config(const std::string& key) const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, impl_->repo.get()), "cannot read the git config of '" + impl_->where + "'");
  detail::ConfigPtr snapshot(raw);
  // Only a snapshot hands out string pointers that stay valid after the call.
  const char* value = nullptr;
  int rc = git_config_get_string(&value, snapshot.get(), key.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) throw_git_error(rc, "cannot read git config '" + key + "' in '" + impl_->where + "'");
  return std::string(value);
}

void Repository::use_config_sources(const ConfigSources& sources) {
  if (!sources.overrides()) return;
  git_config* raw = nullptr;
  check(git_config_new(&raw), "cannot prepare the git config of '" + impl_->where + "'");
  detail::ConfigPtr config(raw);
  const auto add = [&](const std::filesystem::path& file, git_config_level_t level, const char* variable) {
    std::error_code ignored;
    if (std::filesystem::is_directory(file, ignored))
      throw Error(ExitCode::store,
                  "the git config file " + quoted(file) + (variable ? std::string(" named by ") + variable : std::string()) +
                      " is a folder",
                  variable ? std::string("point ") + variable + " at a file, or unset it" : std::string("remove or rename it"));
    // A file that does not exist is simply empty, as in git.
    const int rc = git_config_add_file_ondisk(config.get(), file.c_str(), level, impl_->repo.get(), /*force=*/0);
    if (rc < 0 && rc != GIT_ENOTFOUND)
      throw_git_error(rc, std::string("cannot read the git config file ") + quoted(file) +
                              (variable ? std::string(" named by ") + variable : std::string()));
  };
  const auto add_default = [&](int (*find)(git_buf*), git_config_level_t level) {
    detail::GitBuf found;
    if (find(found.get()) == 0) add(found.c_str(), level, nullptr);
  };
  if (!sources.no_system) {
    if (sources.system) {
      if (!sources.system->empty()) add(*sources.system, GIT_CONFIG_LEVEL_SYSTEM, "GIT_CONFIG_SYSTEM");
    } else {
      add_default(git_config_find_system, GIT_CONFIG_LEVEL_SYSTEM);
    }
  }
  if (sources.global) {
    if (!sources.global->empty()) add(*sources.global, GIT_CONFIG_LEVEL_GLOBAL, "GIT_CONFIG_GLOBAL");
  } else {
    add_default(git_config_find_xdg, GIT_CONFIG_LEVEL_XDG);
    add_default(git_config_find_global, GIT_CONFIG_LEVEL_GLOBAL);
  }
  detail::GitBuf local;
  if (git_repository_item_path(local.get(), impl_->repo.get(), GIT_REPOSITORY_ITEM_CONFIG) == 0)
    add(local.c_str(), GIT_CONFIG_LEVEL_LOCAL, nullptr);
  check(git_repository_set_config(impl_->repo.get(), config.get()), "cannot use the git config of '" + impl_->where + "'");
}

void Repository::set_local_config(const std::string& key, const std::string& value) {
  git_config* raw = nullptr;
  check(git_repository_config(&raw, impl_->repo.get()), "cannot open the git config of '" + impl_->where + "'");
  detail::ConfigPtr all_levels(raw);
  raw = nullptr;
  check(git_config_open_level(&raw, all_levels.get(), GIT_CONFIG_LEVEL_LOCAL),
        "cannot open the local git config of '" + impl_->where + "'");
  detail::ConfigPtr local(raw);
  int rc = git_config_set_string(local.get(), key.c_str(), value.c_str());
  if (rc < 0) throw_git_error(rc, "cannot set git config '" + key + "' in '" + impl_->where + "'");
}

void Repository::set_head(const std::string& ref) {
  detail::require_valid_ref_name(ref);
  git_reference* raw = nullptr;
  int rc = git_reference_symbolic_create(&raw, impl_->repo.get(), "HEAD", ref.c_str(), /*force=*/1,
                                         ("docket: point HEAD at " + ref).c_str());
  detail::ReferencePtr head(raw);
  if (rc < 0) throw_git_error(rc, "cannot point HEAD of '" + impl_->where + "' at " + ref);
}

std::optional<std::string> Repository::head_target() const {
  git_reference* raw = nullptr;
  int rc = git_reference_lookup(&raw, impl_->repo.get(), "HEAD");
  detail::ReferencePtr head(raw);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) throw_git_error(rc, "cannot read HEAD of '" + impl_->where + "'");
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return std::nullopt;
  return std::string(git_reference_symbolic_target(head.get()));
}

}  // namespace docket::store
