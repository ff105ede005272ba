#pragma once
// `docket log ID`: one exception's timeline, read from the git history.

#include <string>
#include <vector>

#include "docket/app/session.hpp"

namespace docket::app {

struct LogEntry {
  std::string commit;
  Timestamp at;
  std::string by;
  std::string command;  // the replay line's verb for this record, e.g. approve (a merge: the Docket-Command trailer)
  std::string action;   // what the replay line did, e.g. `comment "looks fine"` (a merge: the subject)
  std::string subject;  // the commit's first line
  std::string signature;  // good, unsigned, bad, unknown-key, malformed, unverifiable
};

// Commits that changed the record `query` names, oldest first.
std::vector<LogEntry> record_log(Session& session, std::string_view query);

}  // namespace docket::app
