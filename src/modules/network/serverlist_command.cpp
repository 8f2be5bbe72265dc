#include "modules/network/serverlist_command.hpp"

namespace kontalk::modules::network {

xml::Element serverListPayload(const std::vector<api::NetworkServer>& servers) {
  xml::Element list("serverlist", kServerListNamespace);
  for (const auto& server : servers) {
    // Spec §7.3: the domain goes in 'node' (the Android client reads nothing else).
    auto& item = list.addChild("item", kServerListNamespace);
    item.setAttribute("node", server.domain);
    item.setAttribute("fingerprint", server.fingerprint);
  }
  return list;
}

}  // namespace kontalk::modules::network
