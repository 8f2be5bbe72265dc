#pragma once
// Namespace URIs, in one place so a typo cannot hide in a string literal.

namespace kontalk::ns {

inline constexpr const char* kClient = "jabber:client";
inline constexpr const char* kServer = "jabber:server";
inline constexpr const char* kStreams = "http://etherx.jabber.org/streams";
inline constexpr const char* kStreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr const char* kStanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr const char* kTls = "urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr const char* kSasl = "urn:ietf:params:xml:ns:xmpp-sasl";
inline constexpr const char* kBind = "urn:ietf:params:xml:ns:xmpp-bind";
inline constexpr const char* kSession = "urn:ietf:params:xml:ns:xmpp-session";
inline constexpr const char* kXml = "http://www.w3.org/XML/1998/namespace";

inline constexpr const char* kDiscoInfo = "http://jabber.org/protocol/disco#info";
inline constexpr const char* kDiscoItems = "http://jabber.org/protocol/disco#items";
inline constexpr const char* kPing = "urn:xmpp:ping";
inline constexpr const char* kVersion = "jabber:iq:version";
inline constexpr const char* kTime = "urn:xmpp:time";

}  // namespace kontalk::ns
