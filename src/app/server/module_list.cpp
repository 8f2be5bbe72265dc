#include "app/server/module_list.hpp"

#include "modules/addressing/addressing.hpp"
#include "modules/blocking/blocking.hpp"
#include "modules/carbons/carbons.hpp"
#include "modules/csi/csi.hpp"
#include "modules/disco/disco.hpp"
#include "modules/last/last.hpp"
#include "modules/offline/offline.hpp"
#include "modules/ping/ping.hpp"
#include "modules/pubkey/pubkey.hpp"
#include "modules/register/register.hpp"
#include "modules/roster/roster.hpp"
#include "modules/time/time.hpp"
#include "modules/vcard/vcard.hpp"
#include "modules/version/version.hpp"

namespace kontalk::app {

std::vector<std::unique_ptr<api::Module>> makeModules() {
  std::vector<std::unique_ptr<api::Module>> modules;
  modules.push_back(modules::makeDiscoModule());
  modules.push_back(modules::makePingModule());
  modules.push_back(modules::makeRegisterModule());
  modules.push_back(modules::makePubkeyModule());
  modules.push_back(modules::makeTimeModule());
  modules.push_back(modules::makeVersionModule());
  modules.push_back(modules::makeAddressingModule());
  modules.push_back(modules::makeCarbonsModule());
  modules.push_back(modules::makeCsiModule());
  modules.push_back(modules::makeVcardModule());
  modules.push_back(modules::makeBlockingModule());
  modules.push_back(modules::makeOfflineModule());
  modules.push_back(modules::makeLastModule());
  modules.push_back(modules::makeRosterModule());
  return modules;
}

}  // namespace kontalk::app
