#pragma once
// Boost.Asio as the project uses it: C++20 coroutines (awaitable) on io_context shards.
// Asio is compiled once (core/asio_impl.cpp, BOOST_ASIO_SEPARATE_COMPILATION) to keep builds fast.
// Threading: aliases, and yieldToOthers(), which a coroutine awaits on its own executor.

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

// Rule: never hand a *capturing coroutine lambda* to co_spawn. With GCC 12 and Boost 1.74 its
// captures are destroyed twice (found with AddressSanitizer: a shared_ptr released twice).
// Spawn a coroutine function whose state is in by-value parameters instead, or a plain lambda
// that returns such a coroutine's awaitable.

namespace kontalk {
namespace asio = boost::asio;
template <typename T = void>
using Awaitable = asio::awaitable<T>;
using asio::use_awaitable;

namespace core {
// Lets everything else that is ready on the coroutine's executor run first (bounded work per
// wake-up): the coroutine resumes after the handlers queued before it.
inline Awaitable<void> yieldToOthers() {
  auto executor = co_await asio::this_coro::executor;
  co_await asio::post(executor, use_awaitable);
}
}  // namespace core
}  // namespace kontalk
