#include "app/server/module_list.hpp"

#include "modules/disco/disco.hpp"
#include "modules/ping/ping.hpp"
#include "modules/time/time.hpp"
#include "modules/version/version.hpp"

namespace kontalk::app {

std::vector<std::unique_ptr<api::Module>> makeModules() {
  std::vector<std::unique_ptr<api::Module>> modules;
  modules.push_back(modules::makeDiscoModule());
  modules.push_back(modules::makePingModule());
  modules.push_back(modules::makeTimeModule());
  modules.push_back(modules::makeVersionModule());
  return modules;
}

}  // namespace kontalk::app
