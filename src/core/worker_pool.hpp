#pragma once
// Threads for blocking work (storage, password hashing, PGP) so that shards never block
// (ARCHITECTURE.md §5). From a coroutine on a shard:
//   auto account = co_await workers.run([&] { return store.find(user, domain); });
// runs the function on a worker and resumes the coroutine on its own shard with the result.
// Threading: run() is awaited by a coroutine (on a shard) and resumes it there; post() may be
// called from any thread; join() on the main thread at shutdown.

#include <boost/asio/thread_pool.hpp>
#include <type_traits>
#include <utility>

#include "core/asio.hpp"

namespace kontalk::core {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads) : pool_(threads) {}
  ~WorkerPool() { join(); }

  template <typename Function>
  Awaitable<std::invoke_result_t<Function>> run(Function function) {
    // co_spawn on the pool; use_awaitable resumes us on the awaiting coroutine's executor.
    co_return co_await asio::co_spawn(pool_.get_executor(), invoke(std::move(function)),
                                      use_awaitable);
  }

  // Runs `work` on a worker; nothing waits for it.
  template <typename Function>
  void post(Function work) {
    asio::post(pool_, std::move(work));
  }

  // Waits until every queued job has run (shutdown stores what sessions handed back) and the
  // threads have ended.
  void join() { pool_.join(); }

 private:
  // A coroutine function, not a capturing lambda: see core/asio.hpp.
  template <typename Function>
  static Awaitable<std::invoke_result_t<Function>> invoke(Function function) {
    co_return function();
  }

  asio::thread_pool pool_;
};

}  // namespace kontalk::core
