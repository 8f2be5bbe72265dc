#pragma once
// Namespace URIs, in one place so a typo cannot hide in a string literal.
// Threading: constants; any thread.

namespace kontalk::ns {

inline constexpr const char* kClient = "jabber:client";
inline constexpr const char* kServer = "jabber:server";
// Server Dialback (XEP-0220): the db: elements and the stream feature.
inline constexpr const char* kDialback = "jabber:server:dialback";
inline constexpr const char* kDialbackFeature = "urn:xmpp:features:dialback";
inline constexpr const char* kStreams = "http://etherx.jabber.org/streams";
// XMPP over WebSocket (RFC 7395 §3.3): <open/> and <close/>.
inline constexpr const char* kFraming = "urn:ietf:params:xml:ns:xmpp-framing";
inline constexpr const char* kStreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr const char* kStanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr const char* kTls = "urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr const char* kSasl = "urn:ietf:params:xml:ns:xmpp-sasl";
inline constexpr const char* kBind = "urn:ietf:params:xml:ns:xmpp-bind";
inline constexpr const char* kSession = "urn:ietf:params:xml:ns:xmpp-session";
inline constexpr const char* kXml = "http://www.w3.org/XML/1998/namespace";
inline constexpr const char* kStreamManagement = "urn:xmpp:sm:3";
inline constexpr const char* kDelay = "urn:xmpp:delay";
inline constexpr const char* kReceipts = "urn:xmpp:receipts";

inline constexpr const char* kDiscoInfo = "http://jabber.org/protocol/disco#info";
inline constexpr const char* kDiscoItems = "http://jabber.org/protocol/disco#items";
inline constexpr const char* kCommands = "http://jabber.org/protocol/commands";  // XEP-0050
inline constexpr const char* kPing = "urn:xmpp:ping";
inline constexpr const char* kVersion = "jabber:iq:version";
inline constexpr const char* kPrivate = "jabber:iq:private";  // XEP-0049
inline constexpr const char* kTime = "urn:xmpp:time";
inline constexpr const char* kCsi = "urn:xmpp:csi:0";
inline constexpr const char* kAddress = "http://jabber.org/protocol/address";
inline constexpr const char* kCarbons = "urn:xmpp:carbons:2";
inline constexpr const char* kForward = "urn:xmpp:forward:0";
inline constexpr const char* kVcard = "vcard-temp";

inline constexpr const char* kChatStates = "http://jabber.org/protocol/chatstates";
inline constexpr const char* kHints = "urn:xmpp:hints";
inline constexpr const char* kOfflineFeature = "msgoffline";  // XEP-0160 §7 disco feature
inline constexpr const char* kBlocking = "urn:xmpp:blocking";
inline constexpr const char* kBlockingErrors = "urn:xmpp:blocking:errors";
inline constexpr const char* kLastActivity = "jabber:iq:last";

// RFC 6121: roster, roster versioning and subscription pre-approval stream features.
inline constexpr const char* kRoster = "jabber:iq:roster";
inline constexpr const char* kRosterVersioning = "urn:xmpp:features:rosterver";
inline constexpr const char* kPreApproval = "urn:xmpp:features:pre-approval";

// Kontalk (spec §4, §5): registration and public keys.
inline constexpr const char* kRegister = "jabber:iq:register";
inline constexpr const char* kRegisterFeature = "http://jabber.org/features/iq-register";
inline constexpr const char* kPubkey = "urn:xmpp:pubkey:2";

}  // namespace kontalk::ns
