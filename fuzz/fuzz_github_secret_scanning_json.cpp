// GitHub secret scanning alerts (docket ingest github-secret-scanning).
// Checks (scan_checks.hpp): every refusal is docket::Error; findings have unique sha256:
// fingerprints, store only one-line UTF-8 text without live secrets, and name a tool the report
// lists; read again under --tool, the same results appear under that one tool.

#include "docket/codec/finding_sources.hpp"
#include "scan_checks.hpp"

using namespace docket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_reader(fuzz::as_text(data, size), [](std::string_view text, const codec::ScanOptions& options) {
    return codec::read_github_secret_scanning_json(text, "report.json", options);
  });
  return 0;
}
