#include "core/spawn.hpp"

#include <spdlog/spdlog.h>

namespace kontalk::core {
namespace {

// A coroutine function with by-value parameters, not a capturing lambda (core/asio.hpp).
Awaitable<void> repeat(asio::io_context* shard, std::chrono::seconds interval,
                       std::function<void()> task, std::string what) {
  asio::steady_timer timer(*shard);
  for (;;) {
    timer.expires_after(interval);
    boost::system::error_code error;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, error));
    if (error) co_return;
    try {
      task();
    } catch (...) {
      logEscapedException(std::current_exception(), what);
    }
  }
}

}  // namespace

std::string describeException(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

void logEscapedException(const std::exception_ptr& error, const std::string& what) {
  spdlog::error("{} failed with an exception: {}", what, describeException(error));
}

void runEvery(asio::io_context& shard, std::chrono::seconds interval, std::function<void()> task,
              std::string what) {
  spawnLogged(shard, repeat(&shard, interval, std::move(task), what), what);
}

}  // namespace kontalk::core
