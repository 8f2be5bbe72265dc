#pragma once
// The modules this server runs: chosen by [modules] enabled (default: every registered module),
// checked (unknown names, missing requirements, bad options: start-up errors naming file, line
// and key), created from their options and started in dependency order (a module after the
// modules it requires; otherwise by name), stopped in reverse order with their registrations
// undone. A module that fails to start is undone at once; the ones started before it stay
// running until stopAll() (the server calls it once its workers are drained) or the destructor.
//
// Threading: construct, startAll() and stopAll() on the main thread; stopAll() only after the
// shards stopped and the worker pools joined (nothing may run a handler or read a registration
// while registrations are undone).

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/module.hpp"
#include "app/config/config.hpp"
#include "app/server/module_context.hpp"
#include "config/section.hpp"

namespace kontalk::app {

// A module's start() threw; what() names the module and says why.
class ModuleStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ModuleSet {
 public:
  // Throws config::ConfigError for a bad [modules] section.
  ModuleSet(const ModulesSettings& settings, const std::string& configFile,
            ModuleServices& services);
  ~ModuleSet();

  // Starts every module in order. When one throws, the modules started before it are stopped
  // in reverse order, every registration of them and of the failed one is undone, and
  // ModuleStartError is thrown.
  void startAll();
  void stopAll();
  // What started modules registered with onInterval().
  std::vector<PeriodicTask> periodicTasks() const;
  // Started modules, in start order.
  std::vector<std::string> names() const;

 private:
  struct Entry {
    std::unique_ptr<api::Module> module;
    std::unique_ptr<ModuleContext> context;
    bool started = false;
  };
  ModuleServices& services_;
  std::vector<Entry> modules_;
};

// Checks [modules] without creating or starting anything (kontalkd --check-config): the names,
// the requirements and every [modules.NAME] table. Throws config::ConfigError.
void checkModuleSettings(const ModulesSettings& settings, const std::string& configFile);

// The options of every registered module, by name (the configuration reference).
std::vector<config::SectionReference> moduleReference();

}  // namespace kontalk::app
