#pragma once
// The XEP-0357 wire (spec §8.4): the enable/disable requests a client sends, the publish the
// server sends to an app server with the urn:xmpp:push:summary form, and the app server's
// message that the user's node is gone (affiliation 'none', XEP-0357 §7).
// Pure.
// Threading: any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::push {

inline constexpr const char* kAppPushNamespace = "urn:xmpp:push:0";
inline constexpr const char* kDataFormsNamespace = "jabber:x:data";
inline constexpr const char* kPubsubNamespace = "http://jabber.org/protocol/pubsub";
// Bounds on what a client stores per entry (spec §8.4 keeps up to 5 entries per account).
inline constexpr std::size_t kMaxNodeBytes = 1024;
inline constexpr std::size_t kMaxOptionsBytes = 8 * 1024;
// A message body in a publish is cut to this (include_body).
inline constexpr std::size_t kMaxSummaryBodyBytes = 512;

struct AppServerRequest {
  bool enabling = false;                // enable or disable
  std::string jid;                      // the app server, as parsed and prepared
  std::optional<std::string> node;      // disable without node: every entry of jid
  std::optional<xml::Element> options;  // enable: the publish-options form, if any
};

// The request, or the error to answer: bad-request without jid (or with an oversized node or
// form), jid-malformed when jid is no JID (spec §8.4).
std::variant<AppServerRequest, xmpp::StanzaError> readAppServerRequest(const xml::Element& payload);

// What the summary form tells (spec §8.4); sender and body only when the operator opted in.
struct PushSummary {
  std::int64_t messageCount = 0;
  std::int64_t pendingSubscriptionCount = 0;
  std::optional<std::string> lastMessageSender;
  std::optional<std::string> lastMessageBody;
};

// <iq type='set' id=ID from=FROM to=TO><pubsub><publish node=NODE><item><notification> with the
// summary form, and <publish-options> with `options` when the entry has a form. An empty node
// is left out.
xml::Element makePublish(std::string_view from, std::string_view to, std::string_view node,
                         const PushSummary& summary, const std::optional<xml::Element>& options,
                         std::string id);

// A publish's answer (spec §8.4): result; an error of type wait (also the server's own
// remote-server-timeout when nobody answered in time) is transient; any other error is
// permanent.
enum class PublishAnswer { Done, Transient, Permanent };
PublishAnswer classifyPublishAnswer(const xml::Element& response);

// The node of <pubsub node='N'><affiliation jid=USER affiliation='none'/></pubsub> in
// `message` when USER is `accountBare` (XEP-0357 §7: the app server dropped the user's node).
std::optional<std::string> removedNode(const xml::Element& message, std::string_view accountBare);

}  // namespace kontalk::modules::push
