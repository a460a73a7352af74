// A whole stress run: --connections threads, each playing sessions (SessionRunner) until the
// duration or the session count is spent, then the mailbox verified when asked.
#pragma once

#include "multiclient/options.hpp"
#include "multiclient/report.hpp"

namespace postable::multiclient {

RunResult run_stress(const Options& options);

}  // namespace postable::multiclient
