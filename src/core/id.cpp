#include "docket/core/id.hpp"

#include <algorithm>
#include <cctype>

#include "docket/core/error.hpp"

namespace docket {
namespace {
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Upper-cases a typed id; in the random part (after the dash, or all of it when there is none)
// Crockford's decoding reads I and L as 1 and O as 0, so ids survive being read aloud. The
// prefix is left alone: `OPS`, `INC` and `LEAK` are valid prefixes.
std::string normalize_query(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto dash = out.find('-');
  for (std::size_t i = dash == std::string::npos ? 0 : dash + 1; i < out.size(); ++i) {
    if (out[i] == 'I' || out[i] == 'L') out[i] = '1';
    if (out[i] == 'O') out[i] = '0';
  }
  return out;
}
}  // namespace

bool valid_id_prefix(std::string_view prefix) {
  return !prefix.empty() && prefix.size() <= 16 &&
         std::all_of(prefix.begin(), prefix.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

ExceptionId make_exception_id(std::string_view prefix, std::uint64_t random_bits) {
  if (!valid_id_prefix(prefix))
    throw Error(ExitCode::usage, "id prefix '" + std::string(prefix) + "' is not valid",
                "use 1 to 16 characters A-Z and 0-9 in docket.yaml's id_prefix");
  std::string text(prefix);
  text += '-';
  for (int i = 9; i >= 0; --i) text += kCrockford[(random_bits >> (5 * i)) & 31];
  return *ExceptionId::parse(text);
}

std::string record_path(const ExceptionId& id) {
  return "exceptions/" + std::string(id.suffix().substr(0, 2)) + "/" + id.str() + ".yaml";
}

std::string evidence_path(const Sha256Digest& digest) {
  const auto hex = digest.hex();
  return "evidence/" + hex.substr(0, 2) + "/" + hex;
}

IdMatch match_id(std::string_view query, const std::vector<ExceptionId>& ids) {
  IdMatch result;
  if (query.empty()) return result;
  const std::string q = normalize_query(query);
  const bool has_dash = q.find('-') != std::string::npos;
  std::vector<ExceptionId> exact;
  for (const auto& id : ids) {
    const std::string_view candidate = has_dash ? std::string_view(id.str()) : id.suffix();
    if (candidate == q) exact.push_back(id);
    else if (candidate.starts_with(q)) result.candidates.push_back(id);
  }
  // An exact match wins over longer ids it is a prefix of; two exact matches (the same random
  // part under two prefixes) are as ambiguous as two prefix matches.
  if (!exact.empty()) result.candidates = std::move(exact);
  if (result.candidates.size() == 1) {
    result.kind = IdMatch::Kind::unique;
    result.id = result.candidates.front();
    result.candidates.clear();
  } else if (result.candidates.size() > 1) {
    result.kind = IdMatch::Kind::ambiguous;
    std::sort(result.candidates.begin(), result.candidates.end());
    if (result.candidates.size() > 10) result.candidates.resize(10);
  }
  return result;
}

std::optional<std::string> fanout_of_query(std::string_view query) {
  const std::string q = normalize_query(query);
  const auto dash = q.find('-');
  const std::string_view random_part = dash == std::string::npos ? std::string_view(q) : std::string_view(q).substr(dash + 1);
  if (random_part.size() < 2) return std::nullopt;
  return std::string(random_part.substr(0, 2));
}

}  // namespace docket
