#include "docket/app/merge_stores.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"

namespace docket::app {
namespace {

using FileMap = std::map<std::string, store::ObjectId>;  // path → blob id

FileMap files_of(const store::Snapshot& snap) {
  FileMap out;
  if (snap.empty()) return out;
  for (auto& e : snap.walk("")) out.emplace(std::move(e.path), std::move(e.blob));
  return out;
}

std::optional<store::ObjectId> blob_at(const FileMap& files, const std::string& path) {
  const auto it = files.find(path);
  if (it == files.end()) return std::nullopt;
  return it->second;
}

bool is_record_path(const std::string& path) { return path.starts_with("exceptions/") && path.ends_with(".yaml"); }

class StoreMerger {
public:
  StoreMerger(const store::Snapshot& base, const store::Snapshot& ours, const store::Snapshot& theirs)
      : base_(base), ours_(ours), theirs_(theirs) {}

  StoreMerge run() {
    const FileMap base = files_of(base_);
    const FileMap ours = files_of(ours_);
    const FileMap theirs = files_of(theirs_);
    std::set<std::string> paths;
    for (const FileMap* files : {&base, &ours, &theirs})
      for (const auto& [path, blob] : *files) paths.insert(path);

    for (const auto& path : paths) {
      const auto b = blob_at(base, path);
      const auto o = blob_at(ours, path);
      const auto t = blob_at(theirs, path);
      if (o == t || t == b) continue;  // the same on both sides, or only ours changed it
      if (o == b) {
        take_theirs(path, t);
        continue;
      }
      both_changed(path, b, o, t);
    }
    return std::move(result_);
  }

private:
  void take_theirs(const std::string& path, const std::optional<store::ObjectId>& t) {
    ++result_.taken_from_theirs;
    if (t) result_.changes.push_back(store::Change{path, store::ExistingBlob{*t}});
    else result_.changes.push_back(store::Change{path, store::Removal{}});
  }

  void conflict(const std::string& path, std::string field, std::string message) {
    result_.conflicts.push_back(core::Conflict{path, std::move(field), std::move(message)});
  }

  void both_changed(const std::string& path, const std::optional<store::ObjectId>& b,
                    const std::optional<store::ObjectId>& o, const std::optional<store::ObjectId>& t) {
    if (is_record_path(path)) return merge_record(path, b.has_value(), o, t.has_value());
    if (path.starts_with("evidence/"))
      return conflict(path, "evidence",
                      "the evidence blob differs between the two sides; evidence is addressed by its SHA-256 and "
                      "never changes, so one side's store is damaged (run docket verify on both)");
    conflict(path, "configuration",
             path + " was changed differently on both sides; an admin must reconcile it: drop one side's unpushed "
                    "change, sync, then make that change again on top");
  }

  std::optional<Record> parse(const store::Snapshot& snap, const std::string& path) {
    try {
      const auto text = snap.read(path);
      if (!text) return std::nullopt;
      return codec::record_from_yaml(*text, path);
    } catch (const Error& e) {
      conflict(path, "record", std::string("cannot merge: ") + e.what());
      return std::nullopt;
    }
  }

  void merge_record(const std::string& path, bool in_base, const std::optional<store::ObjectId>& ours_blob, bool in_theirs) {
    if (!ours_blob || !in_theirs) {
      conflict(path, "record", "one side deleted the record and the other changed it; records are never deleted");
      return;
    }
    const auto before = in_base ? parse(base_, path) : std::nullopt;
    const auto ours = parse(ours_, path);
    const auto theirs = parse(theirs_, path);
    if (!ours || !theirs || (in_base && !before)) return;  // reported by parse
    core::MergeResult merged = core::merge_records(before ? &*before : nullptr, *ours, *theirs);
    if (!merged.conflicts.empty()) {
      for (auto& c : merged.conflicts) result_.conflicts.push_back(std::move(c));
      return;
    }
    result_.merged_records.push_back(merged.merged.id);
    // Compared as canonical text, not as records, so the tree is the same whichever side merges.
    std::string yaml = codec::record_to_yaml(merged.merged);
    if (store::hash_blob(yaml) == *ours_blob) return;
    result_.changes.push_back(store::Change{path, std::move(yaml)});
  }

  const store::Snapshot& base_;
  const store::Snapshot& ours_;
  const store::Snapshot& theirs_;
  StoreMerge result_;
};

}  // namespace

StoreMerge merge_snapshots(const store::Snapshot& base, const store::Snapshot& ours, const store::Snapshot& theirs) {
  return StoreMerger(base, ours, theirs).run();
}

std::string merge_commit_message(std::string_view remote, const std::vector<ExceptionId>& merged_records) {
  std::string message = "docket: sync merge with " + std::string(remote) + "\n\nDocket-Command: sync\n";
  for (const auto& id : merged_records) message += "Docket-Record: " + id.str() + "\n";
  return message;
}

bool valid_remote_name(std::string_view remote) {
  const bool valid_chars = std::all_of(remote.begin(), remote.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '/';
  });
  return !remote.empty() && valid_chars && remote.front() != '-' && remote.front() != '/' && remote.back() != '/' &&
         remote.find("..") == std::string_view::npos && remote.find("//") == std::string_view::npos;
}

}  // namespace docket::app
