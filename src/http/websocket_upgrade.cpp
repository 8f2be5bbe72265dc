#include "http/websocket_upgrade.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/sha.h>

#include "base/encoding.hpp"

namespace kontalk::http {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 §1.3
constexpr std::string_view kSubprotocol = "xmpp";                           // RFC 7395 §3.2

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether any header `name` holds `token` in its comma-separated list (RFC 9110 §5.6.1);
// `caseSensitive` for subprotocol names (RFC 6455 §4.1 compares them exactly).
bool hasToken(const api::HttpRequest& request, std::string_view name, std::string_view token,
              bool caseSensitive) {
  for (const auto& [key, value] : request.headers) {
    if (key != name) continue;
    std::string_view list = value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto item = trim(list.substr(0, comma));
      if (caseSensitive ? item == token : equalsIgnoringCase(item, token)) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

WebSocketHandshake refuse(int status, std::string reason) {
  WebSocketHandshake refusal;
  refusal.status = status;
  refusal.reason = std::move(reason);
  return refusal;
}

}  // namespace

std::string webSocketAcceptKey(std::string_view key) {
  std::string input(key);
  input += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return base::base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

WebSocketHandshake answerWebSocketUpgrade(const api::HttpRequest& request,
                                          const std::vector<std::string>& allowedOrigins) {
  // RFC 6455 §4.2.1: a GET with Upgrade: websocket, Connection: Upgrade, version 13 and a key.
  if (request.method != "GET") return refuse(405, "WebSocket upgrades are GET requests");
  if (!hasToken(request, "upgrade", "websocket", false) ||
      !hasToken(request, "connection", "upgrade", false)) {
    auto refusal = refuse(426, "This is the XMPP WebSocket endpoint (RFC 7395): upgrade required");
    refusal.headers = {{"Upgrade", "websocket"}};
    return refusal;
  }
  if (trim(request.header("sec-websocket-version")) != "13") {
    auto refusal = refuse(426, "Unsupported WebSocket version (13 is spoken)");
    refusal.headers = {{"Sec-WebSocket-Version", "13"}};
    return refusal;
  }
  const auto key = trim(request.header("sec-websocket-key"));
  const auto decodedKey = base::base64Decode(key);
  if (!decodedKey || decodedKey->size() != 16) {
    return refuse(400, "Sec-WebSocket-Key must be 16 bytes in base64 (RFC 6455 §4.1)");
  }
  if (!hasToken(request, "sec-websocket-protocol", kSubprotocol, true)) {
    return refuse(400, "The xmpp subprotocol is required (RFC 7395 §3.2)");
  }
  if (!allowedOrigins.empty()) {
    const auto origin = request.header("origin");
    if (std::find(allowedOrigins.begin(), allowedOrigins.end(), origin) == allowedOrigins.end()) {
      return refuse(403, "Origin not allowed");
    }
  }
  WebSocketHandshake accepted;
  accepted.responseHead =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      webSocketAcceptKey(key) + "\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n";
  return accepted;
}

}  // namespace kontalk::http
