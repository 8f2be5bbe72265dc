#pragma once
// The server's side of the WebSocket opening handshake (RFC 6455 §4.2) for XMPP (RFC 7395 §3.2):
// which upgrade requests are accepted, and the 101 answer. A client must ask for the "xmpp"
// subprotocol; a browser's Origin is checked against an allow-list when one is configured.
// Threading: pure functions over values; any thread.

#include <string>
#include <string_view>
#include <vector>

#include "api/http_routes.hpp"

namespace kontalk::http {

struct WebSocketHandshake {
  int status = 101;          // 101 Switching Protocols, or the refusal's status
  std::string reason;        // why it was refused (sent as the body and logged)
  api::HttpHeaders headers;  // a refusal's extra headers (RFC 6455 §4.4 Sec-WebSocket-Version)
  std::string responseHead;  // the whole 101 head when accepted

  bool accepted() const { return status == 101; }
};

// `allowedOrigins` empty: any Origin (and none) is accepted.
WebSocketHandshake answerWebSocketUpgrade(const api::HttpRequest& request,
                                          const std::vector<std::string>& allowedOrigins);

// RFC 6455 §4.2.2 item 5.4: base64(SHA-1(key + the protocol's GUID)).
std::string webSocketAcceptKey(std::string_view key);

}  // namespace kontalk::http
