#pragma once
// The ad-hoc command 'serverlist' of network@DOMAIN (spec §7.3, XEP-0050): one step, no form,
// answered with the enabled servers.
// Threading: pure functions over values; any thread.

#include <string>
#include <variant>
#include <vector>

#include "api/network_directory.hpp"
#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::network {

inline constexpr const char* kNetworkLocalpart = "network";
inline constexpr const char* kServerListNode = "serverlist";
inline constexpr const char* kServerListNamespace = "http://kontalk.org/extensions/serverlist";

// The answer to <command/> `command` (an IQ set's payload): the completed command with one
// <item node='DOMAIN' fingerprint='FPR'/> per server of `servers` (given in list order, local
// first), under the fresh `sessionId`; or the error: item-not-found for another node,
// bad-request for an action other than execute.
std::variant<xml::Element, xmpp::StanzaError> executeServerList(
    const xml::Element& command, const std::vector<api::NetworkServer>& servers,
    const std::string& sessionId);

}  // namespace kontalk::modules::network
