#include "modules/offline/storage_faults.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::offline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Status kDiskFull{StatusCode::Unavailable, "sqlite: database or disk is full"};
const Status kCorrupt{StatusCode::DataLoss, "sqlite: database disk image is malformed"};

TEST(StorageFaultsTest, TransientFailuresBackOffExponentiallyUpToAFewSeconds) {
  StorageFaults faults;
  StorageFaults::Clock::time_point now{};
  std::vector<StorageFaults::Clock::duration> pauses;
  for (int i = 0; i < 10; ++i) {
    pauses.push_back(faults.failed(kDiskFull, {3, 300}, now));
    now += pauses.back();
  }
  EXPECT_EQ(pauses[0], milliseconds(100));
  EXPECT_EQ(pauses[1], milliseconds(200));
  EXPECT_EQ(pauses[2], milliseconds(400));
  EXPECT_EQ(pauses[5], milliseconds(3200));
  EXPECT_EQ(pauses[6], seconds(5));
  EXPECT_EQ(pauses[9], seconds(5));
  EXPECT_TRUE(faults.failing());
}

TEST(StorageFaultsTest, PermanentFailuresAreRetriedOnlySlowly) {
  StorageFaults faults;
  StorageFaults::Clock::time_point now{};
  for (int i = 0; i < 3; ++i) {
    const auto pause = faults.failed(kCorrupt, {1, 100}, now);
    EXPECT_EQ(pause, seconds(30));
    now += pause;
  }
}

TEST(StorageFaultsTest, ARecoveryEndsThePeriodAndTheNextFailureStartsTheBackOffAgain) {
  StorageFaults faults;
  StorageFaults::Clock::time_point now{};
  faults.failed(kDiskFull, {}, now);
  faults.failed(kDiskFull, {}, now);
  faults.succeeded(now);
  EXPECT_FALSE(faults.failing());
  EXPECT_EQ(faults.failed(kDiskFull, {}, now), milliseconds(100));
}

}  // namespace
}  // namespace kontalk::modules::offline
