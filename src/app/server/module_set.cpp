#include "app/server/module_set.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "api/module_descriptor.hpp"

namespace kontalk::app {
namespace {

using api::ModuleDescriptor;
using api::ModuleRegistry;

std::string knownModules() {
  std::string names;
  for (const auto& descriptor : ModuleRegistry::instance().all()) {
    names += (names.empty() ? "" : ", ") + descriptor.name;
  }
  return names;
}

const ModuleDescriptor& descriptorOf(const std::string& name, const std::string& file, int line,
                                     const std::string& where) {
  const auto* descriptor = ModuleRegistry::instance().find(name);
  if (descriptor == nullptr) {
    config::throwConfigError(
        file, line, where, "",
        "names the unknown module \"" + name + "\" (known: " + knownModules() + ")");
  }
  return *descriptor;
}

// The enabled modules in start order: each after what it requires and after the enabled modules
// it optionally depends on, otherwise by name. Checks
// names, requirements and every [modules.NAME] table.
std::vector<const ModuleDescriptor*> resolve(const ModulesSettings& settings,
                                             const std::string& file) {
  for (const auto& [name, table] : settings.sections) {
    descriptorOf(name, file, table.line, "modules." + name).validate(&table, file);
  }
  std::set<std::string> enabled;
  if (settings.enabled) {
    for (const auto& name : *settings.enabled) {
      (void)descriptorOf(name, file, settings.enabledLine, "modules");
      enabled.insert(name);
    }
  } else {
    for (const auto& descriptor : ModuleRegistry::instance().all()) enabled.insert(descriptor.name);
  }
  std::vector<const ModuleDescriptor*> ordered;
  std::set<std::string> placed;
  std::set<std::string> visiting;  // a requirement cycle is a build error, caught here
  std::function<void(const std::string&)> place = [&](const std::string& name) {
    if (placed.contains(name)) return;
    const auto& descriptor = *ModuleRegistry::instance().find(name);
    if (!visiting.insert(name).second) {
      throw config::ConfigError("modules " + name + " require each other");
    }
    for (const auto& required : descriptor.dependencies) {
      if (!enabled.contains(required)) {
        config::throwConfigError(
            file, settings.enabledLine, "modules", "enabled",
            "leaves out \"" + required + "\", which module \"" + name + "\" requires");
      }
      place(required);
    }
    for (const auto& wanted : descriptor.optionalDependencies) {
      if (ModuleRegistry::instance().find(wanted) == nullptr) {
        throw std::logic_error("module " + name + " starts after the unknown module " + wanted);
      }
      if (enabled.contains(wanted)) place(wanted);
    }
    placed.insert(name);
    ordered.push_back(&descriptor);
  };
  for (const auto& name : enabled) place(name);
  return ordered;
}

const config::Value* sectionOf(const ModulesSettings& settings, const std::string& name) {
  const auto found = settings.sections.find(name);
  return found == settings.sections.end() ? nullptr : &found->second;
}

}  // namespace

ModuleSet::ModuleSet(const ModulesSettings& settings, const std::string& configFile,
                     ModuleServices& services)
    : services_(services) {
  for (const auto* descriptor : resolve(settings, configFile)) {
    modules_.push_back(Entry{descriptor->create(sectionOf(settings, descriptor->name), configFile),
                             std::make_unique<ModuleContext>(descriptor->name, services), false});
  }
}

ModuleSet::~ModuleSet() {
  // A server whose start-up fails after startAll() (a listener cannot bind) never reaches
  // stopAll(): its started modules must stop all the same, flushing what they hold (the offline
  // module's journal joins its writer thread in stop()).
  const auto running = std::count_if(modules_.begin(), modules_.end(),
                                     [](const Entry& entry) { return entry.started; });
  if (running == 0) return;
  spdlog::info("stopping {} module(s) still running", running);
  try {
    stopAll();
  } catch (const std::exception& e) {
    spdlog::error("a module failed to stop: {}", e.what());
  }
}

void ModuleSet::startAll() {
  for (auto& entry : modules_) {
    const std::string& name = entry.context->moduleName();
    try {
      entry.module->start(*entry.context);
    } catch (const std::exception& e) {
      // What the failed module registered before it threw is undone (it did not start, so it
      // is not stopped). The modules started before it stay running: their blocking work may be
      // on a worker now, so the owner stops them once the workers are drained (stopAll(), or
      // the destructor), as at shutdown (ARCHITECTURE.md §4).
      entry.context->closeRegistration();
      services_.extensions.removeOwner(name);
      throw ModuleStartError("module " + name + " failed to start: " + e.what());
    }
    entry.context->closeRegistration();
    entry.started = true;
    spdlog::debug("module {} started", name);
  }
}

void ModuleSet::stopAll() {
  for (auto entry = modules_.rbegin(); entry != modules_.rend(); ++entry) {
    if (!entry->started) continue;
    entry->module->stop();
    services_.extensions.removeOwner(entry->context->moduleName());
    entry->started = false;
    spdlog::debug("module {} stopped", entry->context->moduleName());
  }
}

std::vector<PeriodicTask> ModuleSet::periodicTasks() const {
  std::vector<PeriodicTask> tasks;
  for (const auto& entry : modules_) {
    // A stopped module's registrations are undone (ARCHITECTURE.md §4): its tasks too.
    if (!entry.started) continue;
    const auto& registered = entry.context->periodicTasks();
    tasks.insert(tasks.end(), registered.begin(), registered.end());
  }
  return tasks;
}

std::vector<std::string> ModuleSet::names() const {
  std::vector<std::string> names;
  for (const auto& entry : modules_) names.push_back(entry.context->moduleName());
  return names;
}

void checkModuleSettings(const ModulesSettings& settings, const std::string& configFile) {
  (void)resolve(settings, configFile);
}

std::vector<config::SectionReference> moduleReference() {
  std::vector<config::SectionReference> references;
  for (const auto& descriptor : ModuleRegistry::instance().all()) {
    references.push_back(descriptor.reference());
  }
  return references;
}

}  // namespace kontalk::app
