#pragma once
// Spawning coroutines that must not die silently (issue 11 item 7). asio::detached swallows an
// exception that escapes a coroutine: a stream's writer would stop writing for good, a periodic
// purge would stop without a word. spawnLogged logs it as an error naming the work, then runs
// `onFailure` (on the coroutine's executor) to bring the owner back to a sane state, e.g. close
// the stream whose writer died.
//
// Threading: call from any thread; `onFailure` runs where the coroutine ran.

#include <exception>
#include <functional>
#include <string>
#include <utility>

#include "core/asio.hpp"

namespace kontalk::core {

// The message of an exception for the log ("unknown exception" for non-std ones).
std::string describeException(const std::exception_ptr& error);
void logEscapedException(const std::exception_ptr& error, const std::string& what);

template <typename Executor, typename Coroutine>
void spawnLogged(Executor&& executor, Coroutine&& coroutine, std::string what,
                 std::function<void()> onFailure = nullptr) {
  asio::co_spawn(
      std::forward<Executor>(executor), std::forward<Coroutine>(coroutine),
      [what = std::move(what), onFailure = std::move(onFailure)](std::exception_ptr error) {
        if (!error) return;
        logEscapedException(error, what);
        if (onFailure) onFailure();
      });
}

// Calls `task` every `interval` on `shard` until the shard stops; a task that throws is logged
// (naming `what`) and keeps its schedule.
void runEvery(asio::io_context& shard, std::chrono::seconds interval, std::function<void()> task,
              std::string what);

}  // namespace kontalk::core
