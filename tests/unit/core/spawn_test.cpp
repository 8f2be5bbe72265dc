#include "core/spawn.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kontalk::core {
namespace {

Awaitable<void> throwing() {
  throw std::runtime_error("broken");
  co_return;
}

Awaitable<void> fine(int* done) {
  ++*done;
  co_return;
}

TEST(SpawnLoggedTest, AnEscapingExceptionRunsTheFailureHandler) {
  asio::io_context loop;
  int failures = 0;
  spawnLogged(loop, throwing(), "test work", [&failures] { ++failures; });
  loop.run();
  EXPECT_EQ(failures, 1);
}

TEST(SpawnLoggedTest, ACoroutineThatEndsWellRunsNoFailureHandler) {
  asio::io_context loop;
  int done = 0;
  int failures = 0;
  spawnLogged(loop, fine(&done), "test work", [&failures] { ++failures; });
  loop.run();
  EXPECT_EQ(done, 1);
  EXPECT_EQ(failures, 0);
}

// A periodic purge that throws once must not stop purging for good.
TEST(RunEveryTest, ATaskThatThrowsKeepsItsSchedule) {
  asio::io_context loop;
  int calls = 0;
  runEvery(
      loop, std::chrono::seconds(0),
      [&calls, &loop] {
        if (++calls == 3) loop.stop();
        if (calls < 3) throw std::runtime_error("purge failed");
      },
      "test purge");
  loop.run_for(std::chrono::seconds(5));
  EXPECT_EQ(calls, 3);
}

TEST(DescribeExceptionTest, NamesStdExceptionsAndOthers) {
  EXPECT_EQ(describeException(std::make_exception_ptr(std::runtime_error("boom"))), "boom");
  EXPECT_EQ(describeException(std::make_exception_ptr(42)), "unknown exception");
}

}  // namespace
}  // namespace kontalk::core
