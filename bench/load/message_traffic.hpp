#pragma once
// The chat messages of the throughput and latency scenarios. The body carries the sender's index
// and the steady-clock send time, so that the receiving client (in the same process) can return
// the sender's window credit and compute the delivery latency.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace kontalk::bench {

struct MessageStamp {
  std::uint32_t sender = 0;  // index into the scenario's client list
  std::int64_t sentNanoseconds = 0;
};

// <message to='…' type='chat'><body>SENDER SENT PADDING</body></message>
std::string chatMessage(std::string_view to, MessageStamp stamp, std::uint32_t paddingBytes);
// The stamp of a body written by chatMessage(); nullopt for any other body.
std::optional<MessageStamp> parseStamp(std::string_view body);

// Uniformly random peers among `count` clients, never the sender itself (unless alone).
class PeerPicker {
 public:
  explicit PeerPicker(std::uint32_t count) : count_(count), engine_(std::random_device{}()) {}
  std::uint32_t any();
  std::uint32_t peerOf(std::uint32_t sender);

 private:
  std::uint32_t count_;
  std::mt19937 engine_;
};

}  // namespace kontalk::bench
