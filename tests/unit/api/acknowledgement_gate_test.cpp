#include "api/acknowledgement_gate.hpp"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kontalk::api {
namespace {

TEST(AcknowledgementGateTest, OpensAtOnceWithoutHolds) {
  auto gate = AcknowledgementGate::create();
  bool opened = false;
  gate->whenOpen([&] { opened = true; });
  EXPECT_TRUE(opened);
}

TEST(AcknowledgementGateTest, WaitsUntilTheLastCopyOfAnEarlierHoldEnds) {
  auto gate = AcknowledgementGate::create();
  auto hold = gate->hold();
  auto copy = hold;
  bool opened = false;
  gate->whenOpen([&] { opened = true; });
  hold = AcknowledgementHold{};
  EXPECT_FALSE(opened) << "a copy of the hold is still out";
  copy = AcknowledgementHold{};
  EXPECT_TRUE(opened);
  EXPECT_EQ(gate->holdsOutstanding(), 0u);
}

TEST(AcknowledgementGateTest, HoldsTakenAfterTheCallDoNotDelayIt) {
  auto gate = AcknowledgementGate::create();
  auto earlier = gate->hold();
  bool opened = false;
  gate->whenOpen([&] { opened = true; });
  auto later = gate->hold();
  earlier = AcknowledgementHold{};
  EXPECT_TRUE(opened) << "only holds older than the call count";
  EXPECT_EQ(gate->holdsOutstanding(), 1u);
}

TEST(AcknowledgementGateTest, WaitersOpenInCallOrderAsTheirHoldsEnd) {
  auto gate = AcknowledgementGate::create();
  std::vector<int> order;
  auto first = gate->hold();
  gate->whenOpen([&] { order.push_back(1); });
  auto second = gate->hold();
  gate->whenOpen([&] { order.push_back(2); });
  second = AcknowledgementHold{};
  EXPECT_TRUE(order.empty()) << "the first waiter still waits for the first hold";
  first = AcknowledgementHold{};
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(AcknowledgementGateTest, AHoldEndedOnAnotherThreadOpensTheGateThere) {
  auto gate = AcknowledgementGate::create();
  auto hold = gate->hold();
  std::thread::id openedOn;
  gate->whenOpen([&] { openedOn = std::this_thread::get_id(); });
  std::thread worker([held = std::move(hold)]() mutable { held = AcknowledgementHold{}; });
  const auto workerId = worker.get_id();
  worker.join();
  EXPECT_EQ(openedOn, workerId);
}

TEST(AcknowledgementGateTest, AHoldMayOutliveItsGate) {
  auto gate = AcknowledgementGate::create();
  auto hold = gate->hold();
  gate.reset();
  hold = AcknowledgementHold{};  // nothing to release, and no crash
  SUCCEED();
}

TEST(AcknowledgementGateTest, AnEmptySourceHoldsNothingAndACarriedHoldIsPassedOn) {
  EXPECT_FALSE(AcknowledgementSource{}.hold());
  auto gate = AcknowledgementGate::create();
  AcknowledgementSource fromGate{gate.get(), {}};
  auto taken = fromGate.hold();
  EXPECT_TRUE(taken);
  AcknowledgementSource carried{nullptr, taken};
  bool opened = false;
  gate->whenOpen([&] { opened = true; });
  auto passedOn = carried.hold();
  taken = AcknowledgementHold{};
  fromGate = {};
  carried = {};
  EXPECT_FALSE(opened) << "the passed-on hold is the same hold";
  passedOn = AcknowledgementHold{};
  EXPECT_TRUE(opened);
}

}  // namespace
}  // namespace kontalk::api
