#include "stream/stream_registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kontalk::stream {
namespace {

class FakeStream final : public RegisteredStream {
 public:
  FakeStream(StreamRegistry& registry, bool throws) : registry_(registry), throws_(throws) {
    registry_.add(*this);
  }
  void handleTick(std::chrono::steady_clock::time_point) override {
    ++ticks;
    if (throws_) throw std::logic_error("a bug in a tick");
  }
  void close(const xmpp::StreamError& error) override {
    closedWith = error.condition;
    registry_.remove(*this);
  }
  void abort() override { registry_.remove(*this); }

  int ticks = 0;
  std::optional<xmpp::StreamErrorCondition> closedWith;

 private:
  StreamRegistry& registry_;
  bool throws_;
};

// Issue 11 item 7: one stream's exception in its tick stopped the sweep, and with it every
// timeout of the shard.
TEST(StreamRegistryTest, AStreamWhoseTickThrowsIsClosedAndTheOthersKeepTicking) {
  asio::io_context shard;
  StreamRegistry registry(shard);
  FakeStream broken(registry, true);
  FakeStream healthy(registry, false);
  registry.start();
  shard.run_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(broken.closedWith, xmpp::StreamErrorCondition::InternalServerError);
  EXPECT_EQ(broken.ticks, 1);
  EXPECT_GE(healthy.ticks, 2);
  EXPECT_FALSE(healthy.closedWith);
  registry.closeAll({xmpp::StreamErrorCondition::SystemShutdown, "done"});
  shard.run_for(std::chrono::milliseconds(300));
}

}  // namespace
}  // namespace kontalk::stream
