#pragma once
// [modules.network]: the Kontalk network this server belongs to (spec §7.1, §7.5).
// Threading: read once at start-up; immutable afterwards.

#include <chrono>
#include <vector>

#include "api/network_directory.hpp"
#include "config/section.hpp"

namespace kontalk::modules::network {

struct NetworkSettings {
  // The other servers of the network; kontalkctl network ... edits win over these.
  std::vector<api::NetworkServer> servers;
  // Spec §7.5: the Android client gives up on an IQ after 15 s.
  std::chrono::seconds probeTimeout{10};
};

const config::Section<NetworkSettings>& networkOptions();

}  // namespace kontalk::modules::network
