#include "docket/app/log.hpp"

#include "docket/app/verify.hpp"
#include "docket/core/id.hpp"

namespace docket::app {
namespace {

std::string trailer(const std::string& message, std::string_view key) {
  const std::string needle = "\n" + std::string(key) + ": ";
  const auto pos = message.find(needle);
  if (pos == std::string::npos) return {};
  const auto start = pos + needle.size();
  return message.substr(start, message.find('\n', start) - start);
}

}  // namespace

std::vector<LogEntry> record_log(Session& session, std::string_view query) {
  const ExceptionId id = session.resolve_id(session.tip(), query);
  const std::string path = record_path(id);
  std::vector<LogEntry> out;
  for (const auto& c : session.store().history()) {
    const auto now = session.store().at(c.id).blob_id(path);
    if (!now) continue;
    const auto before = c.parents.empty() ? std::nullopt : session.store().at(c.parents.front()).blob_id(path);
    if (before && *before == *now) continue;
    out.push_back(LogEntry{c.id.hex, c.time, c.author_email, trailer(c.message, "Docket-Command"),
                           c.message.substr(0, c.message.find('\n')), signature_status(session, c)});
  }
  return out;
}

}  // namespace docket::app
