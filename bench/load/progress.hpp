#pragma once
// The once-a-second progress line on standard error.

#include "core/asio.hpp"
#include "run_context.hpp"

namespace kontalk::bench {

// Prints one line per second (elapsed time, logins, failures, sent and delivered messages with
// their rates) until `done` becomes true.
Awaitable<void> reportProgress(RunContext& context, const bool& done);

}  // namespace kontalk::bench
