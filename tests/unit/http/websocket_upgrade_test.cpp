// The WebSocket opening handshake (src/http/websocket_upgrade.cpp): RFC 6455 §4.2 with the xmpp
// subprotocol of RFC 7395 §3.2.

#include <gtest/gtest.h>

#include "http/websocket_upgrade.hpp"

namespace kontalk::http {
namespace {

api::HttpRequest upgradeRequest() {
  api::HttpRequest request;
  request.method = "GET";
  request.headers = {{"host", "localhost"},
                     {"upgrade", "websocket"},
                     {"connection", "keep-alive, Upgrade"},
                     {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
                     {"sec-websocket-version", "13"},
                     {"sec-websocket-protocol", "chat, xmpp"},
                     {"origin", "https://chat.example.com"}};
  return request;
}

void setHeader(api::HttpRequest& request, std::string name, std::string value) {
  for (auto& [key, existing] : request.headers) {
    if (key == name) existing = std::move(value);
  }
}

TEST(WebSocketUpgrade, AcceptKeyOfRfc6455) {
  // RFC 6455 §1.3's worked example.
  EXPECT_EQ(webSocketAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketUpgrade, AcceptsWithTheXmppSubprotocol) {
  const auto answer = answerWebSocketUpgrade(upgradeRequest(), {});
  ASSERT_TRUE(answer.accepted()) << answer.reason;
  EXPECT_NE(answer.responseHead.find("HTTP/1.1 101 "), std::string::npos);
  EXPECT_NE(answer.responseHead.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos);
  EXPECT_NE(answer.responseHead.find("Sec-WebSocket-Protocol: xmpp\r\n"), std::string::npos);
}

TEST(WebSocketUpgrade, RefusesWithoutTheSubprotocol) {
  auto request = upgradeRequest();
  setHeader(request, "sec-websocket-protocol", "chat, XMPP");  // names are case-sensitive
  const auto answer = answerWebSocketUpgrade(request, {});
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.reason.find("xmpp subprotocol"), std::string::npos);
}

TEST(WebSocketUpgrade, RefusesWhatIsNoUpgrade) {
  auto plainGet = upgradeRequest();
  setHeader(plainGet, "upgrade", "h2c");
  EXPECT_EQ(answerWebSocketUpgrade(plainGet, {}).status, 426);
  auto post = upgradeRequest();
  post.method = "POST";
  EXPECT_EQ(answerWebSocketUpgrade(post, {}).status, 405);
  auto oldVersion = upgradeRequest();
  setHeader(oldVersion, "sec-websocket-version", "8");
  EXPECT_EQ(answerWebSocketUpgrade(oldVersion, {}).status, 426);
  auto badKey = upgradeRequest();
  setHeader(badKey, "sec-websocket-key", "c2hvcnQ=");
  EXPECT_EQ(answerWebSocketUpgrade(badKey, {}).status, 400);
}

TEST(WebSocketUpgrade, OriginAllowList) {
  EXPECT_TRUE(answerWebSocketUpgrade(upgradeRequest(), {"https://chat.example.com"}).accepted());
  EXPECT_EQ(answerWebSocketUpgrade(upgradeRequest(), {"https://other.example.com"}).status, 403);
}

}  // namespace
}  // namespace kontalk::http
