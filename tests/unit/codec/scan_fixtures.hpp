#pragma once
// What the scanner-report tests share: the reports in ../shared/fixtures (real scanner output),
// the Error(usage) a refusal must be, and the check that no secret of a report reaches a finding.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "docket/core/error.hpp"
#include "docket/core/scan.hpp"

namespace docket::test {

using nlohmann::json;

inline const std::filesystem::path kFixtures = std::filesystem::path(DOCKET_SOURCE_DIR) / ".." / "shared" / "fixtures";

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(kFixtures / name, std::ios::binary);
  REQUIRE_MESSAGE(in, "fixture missing: " << (kFixtures / name).string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string usage_error(const std::function<void()>& run) {
  try {
    run();
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    return e.what() + std::string(" | ") + e.hint();
  }
  FAIL("no error was thrown");
  return {};
}

// Every string in a report that carries a secret or a snippet: what must never reach a finding.
inline void collect_secrets(const json& node, const std::string& key, std::set<std::string>& out) {
  // `secret`: GitHub's alerts; `Content`: the source lines of trivy's `Code`.
  static const std::set<std::string> secret_keys{"Secret", "Match", "Raw", "RawV2", "Redacted", "offender", "secret", "Content"};
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (k == "snippet" && v.is_object() && v.contains("text")) out.insert(v["text"].get<std::string>());
      // Fingerprint values that carry the secret (SARIF pattern matcher): stored only as hashes.
      if ((k == "fingerprints" || k == "partialFingerprints") && v.is_object())
        for (const auto& [fk, fv] : v.items())
          if (fv.is_string() && (fk.find("secret") != std::string::npos || fk.find("alidation") != std::string::npos ||
                                 fk.find("asset") != std::string::npos))
            out.insert(fv.get<std::string>());
      collect_secrets(v, k, out);
    }
  } else if (node.is_array()) {
    for (const auto& v : node) collect_secrets(v, key, out);
  } else if (node.is_string() && secret_keys.count(key)) {
    out.insert(node.get<std::string>());
  }
}

inline std::set<std::string> secrets_in(const std::string& text) {
  std::set<std::string> out;
  std::istringstream lines(text);
  try {
    collect_secrets(json::parse(text), "", out);
  } catch (const json::exception&) {
    // JSON lines (trufflehog): one value at a time, objects may span lines.
    std::string value, line;
    int depth = 0;
    while (std::getline(lines, line)) {
      value += line + "\n";
      for (char c : line) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth == 0 && !value.empty()) {
        collect_secrets(json::parse(value), "", out);
        value.clear();
      }
    }
  }
  std::set<std::string> meaningful;
  for (const auto& s : out)
    if (s.size() >= 6 && s.find_first_not_of('*') != std::string::npos) meaningful.insert(s);
  return meaningful;
}

inline void check_no_secret_leaks(const core::ScanReport& report, const std::string& fixture) {
  const auto secrets = secrets_in(read_fixture(fixture));
  static const std::regex digest("sha256:[0-9a-f]{64}");
  for (const auto& f : report.findings) {
    CHECK(std::regex_match(f.fingerprint, digest));
    for (const std::string* field : {&f.tool, &f.rule, &f.message, &f.location, &f.fingerprint}) {
      for (const auto& secret : secrets) {
        CAPTURE(fixture);
        CAPTURE(*field);
        CHECK(field->find(secret) == std::string::npos);
      }
      CHECK(field->find("PRIVATE KEY") == std::string::npos);
      CHECK(field->find("AKIA") == std::string::npos);
    }
  }
}

}  // namespace docket::test
