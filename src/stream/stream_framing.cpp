#include "stream/stream_framing.hpp"

namespace kontalk::stream {

std::string_view transportName(TransportKind kind) {
  return kind == TransportKind::Tcp ? "tcp" : "websocket";
}

}  // namespace kontalk::stream
