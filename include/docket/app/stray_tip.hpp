#pragma once
// The trust gate with a clear word for the commonest way past it: a commit docket did not make
// (a plain `git commit` on the store's branch) at the tip of the ref (docs/design.md, the read
// gate; docs/verify.md).

#include "docket/app/session.hpp"

namespace docket::app {

// require_verified (app/verify.hpp) on `tip`; when that throws Error(untrusted) and `tip` lacks
// what every docket commit has (a Docket-Command trailer, a signature, docket.yaml in its
// tree), throws instead Error(untrusted) naming the ref, the tip's short id, what it lacks, and
// the `git update-ref REF GOOD TIP` that puts the ref back on the recorded verified tip (when
// `tip` descends from it) or, with none recorded, on the nearest docket commit on its
// first-parent line. A ref rewound past the verified tip keeps require_verified's message.
void require_docket_tip(Session& session, const store::ObjectId& tip);

}  // namespace docket::app
