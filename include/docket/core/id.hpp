#pragma once
// Exception ids: `<prefix>-<10 Crockford base32 chars>` (50 random bits), and resolution of
// the short forms users type, like git's abbreviated hashes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "docket/core/types.hpp"

namespace docket {

// Builds an id from the low 50 bits of `random_bits`. Throws Error(usage) for a bad prefix.
ExceptionId make_exception_id(std::string_view prefix, std::uint64_t random_bits);
bool valid_id_prefix(std::string_view prefix);  // 1–16 of A–Z, 0–9

// The store path of a record: exceptions/<first 2 chars after the prefix>/<ID>.yaml.
std::string record_path(const ExceptionId& id);
// The store path of evidence content: evidence/<first 2 hex>/<64 hex>.
std::string evidence_path(const Sha256Digest& digest);

struct IdMatch {
  enum class Kind { unique, none, ambiguous } kind = Kind::none;
  ExceptionId id;                       // when unique
  std::vector<ExceptionId> candidates;  // when ambiguous (up to 10)
};
// Case-insensitive prefix match of `query` against `ids`. A query without a dash is matched
// against the part after the prefix, so `7f3a` finds `EX-7F3A9C2KQD`. An exact match wins.
IdMatch match_id(std::string_view query, const std::vector<ExceptionId>& ids);
// The fan-out folder name (the first two characters after the prefix) that every id `query`
// can match lies in, when the query gives at least two characters of the random part (as
// match_id reads it: case-insensitive, I/L read as 1 and O as 0); nullopt otherwise. Lets a
// look-up read one folder instead of the whole store.
std::optional<std::string> fanout_of_query(std::string_view query);

}  // namespace docket
