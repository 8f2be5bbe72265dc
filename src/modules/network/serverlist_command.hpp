#pragma once
// The ad-hoc command 'serverlist' of network@DOMAIN (spec §7.3, XEP-0050): one step, no form,
// answered with the enabled servers. The adhoc module runs the command's protocol.
// Threading: pure functions over values; any thread.

#include <vector>

#include "api/network_directory.hpp"
#include "xml/element.hpp"

namespace kontalk::modules::network {

inline constexpr const char* kNetworkLocalpart = "network";
inline constexpr const char* kServerListNode = "serverlist";
inline constexpr const char* kServerListNamespace = "http://kontalk.org/extensions/serverlist";

// The completed command's payload: <serverlist/> with one <item node='DOMAIN' fingerprint='FPR'/>
// per server of `servers` (given in list order, local first).
xml::Element serverListPayload(const std::vector<api::NetworkServer>& servers);

}  // namespace kontalk::modules::network
