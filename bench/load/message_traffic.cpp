#include "message_traffic.hpp"

#include <charconv>

#include "xml/serializer.hpp"

namespace kontalk::bench {

std::string chatMessage(std::string_view to, MessageStamp stamp, std::uint32_t paddingBytes) {
  std::string out = "<message type='chat' to='";
  xml::appendEscapedAttribute(out, to);
  out += "'><body>";
  out += std::to_string(stamp.sender);
  out += ' ';
  out += std::to_string(stamp.sentNanoseconds);
  out += ' ';
  out.append(paddingBytes, 'x');
  out += "</body></message>";
  return out;
}

std::optional<MessageStamp> parseStamp(std::string_view body) {
  MessageStamp stamp;
  const char* end = body.data() + body.size();
  auto [afterSender, senderError] = std::from_chars(body.data(), end, stamp.sender);
  if (senderError != std::errc() || afterSender == end || *afterSender != ' ') return std::nullopt;
  auto [afterTime, timeError] = std::from_chars(afterSender + 1, end, stamp.sentNanoseconds);
  if (timeError != std::errc()) return std::nullopt;
  return stamp;
}

std::uint32_t PeerPicker::any() {
  return std::uniform_int_distribution<std::uint32_t>(0, count_ - 1)(engine_);
}

std::uint32_t PeerPicker::peerOf(std::uint32_t sender) {
  if (count_ < 2) return sender;
  // Draw from the others and skip over the sender: uniform over the count − 1 peers.
  const auto peer = std::uniform_int_distribution<std::uint32_t>(0, count_ - 2)(engine_);
  return peer >= sender ? peer + 1 : peer;
}

}  // namespace kontalk::bench
