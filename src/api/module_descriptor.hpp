#pragma once
// What a module declares about itself, in one place: its name, what it is for, the modules it
// needs started before it, and its options table (config/section.hpp). Each module registers
// its descriptor (Envoy's REGISTER_FACTORY is the model), so the server needs no list of
// modules: adding a module is adding its directory under src/modules.
//
//   namespace {
//   const api::ModuleRegistration kRegistration(api::describeModule<CsiModule>(
//       "csi", "Client state indication (XEP-0352)", {}, csiOptions()));
//   }
//
// `[modules] enabled = [...]` picks which registered modules run (default: all).
//
// Threading: registration happens during static initialisation; the registry is read-only
// once main() runs.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/module.hpp"
#include "config/section.hpp"

namespace kontalk::api {

struct ModuleDescriptor {
  std::string name;     // the [modules.<name>] section and the name in [modules] enabled
  std::string summary;  // one line, for the configuration reference
  std::vector<std::string> dependencies;  // modules that must run, and start first
  // Reads [modules.<name>] (`section` null when absent) and creates the module. Throws
  // config::ConfigError naming `file`, the line and the key of a bad option.
  std::function<std::unique_ptr<Module>(const config::Value* section, const std::string& file)>
      create;
  // Validates [modules.<name>] without creating the module (for modules that are not enabled).
  std::function<void(const config::Value* section, const std::string& file)> validate;
  std::function<config::SectionReference()> reference;
  // Modules that start first when they run, but need not run: for a service a module uses when
  // it is there (the offline module asks the network's directory which domains are members).
  std::vector<std::string> optionalDependencies;
};

// Adds optional dependencies to a descriptor:
//   api::startsAfter(api::describeModule<OfflineModule>("offline", ...), {"network"})
inline ModuleDescriptor startsAfter(ModuleDescriptor descriptor, std::vector<std::string> modules) {
  descriptor.optionalDependencies = std::move(modules);
  return descriptor;
}

// A module whose constructor takes its settings.
template <typename ModuleClass, typename Settings>
ModuleDescriptor describeModule(std::string name, std::string summary,
                                std::vector<std::string> dependencies,
                                const config::Section<Settings>& options) {
  return ModuleDescriptor{
      std::move(name),
      std::move(summary),
      std::move(dependencies),
      [&options](const config::Value* section, const std::string& file) {
        return std::unique_ptr<Module>(std::make_unique<ModuleClass>(options.read(section, file)));
      },
      [&options](const config::Value* section, const std::string& file) {
        (void)options.read(section, file);
      },
      [&options] { return options.reference(); },
      {}};
}

// A module without options (any key in its section is an error).
struct NoOptions {};
template <typename ModuleClass>
ModuleDescriptor describeModule(std::string name, std::string summary,
                                std::vector<std::string> dependencies) {
  auto none = std::make_shared<const config::Section<NoOptions>>(
      "modules." + name, summary, [](config::SectionBuilder<NoOptions>&) {});
  return ModuleDescriptor{std::move(name),
                          std::move(summary),
                          std::move(dependencies),
                          [none](const config::Value* section, const std::string& file) {
                            (void)none->read(section, file);
                            return std::unique_ptr<Module>(std::make_unique<ModuleClass>());
                          },
                          [none](const config::Value* section, const std::string& file) {
                            (void)none->read(section, file);
                          },
                          [none] { return none->reference(); },
                          {}};
}

class ModuleRegistry {
 public:
  static ModuleRegistry& instance();
  // Throws std::logic_error on a second module of the same name (a build error).
  void add(ModuleDescriptor descriptor);
  // Sorted by name.
  const std::vector<ModuleDescriptor>& all() const { return descriptors_; }
  const ModuleDescriptor* find(std::string_view name) const;

 private:
  std::vector<ModuleDescriptor> descriptors_;
};

// Registers a descriptor when constructed (a namespace-scope object in the module's file).
struct ModuleRegistration {
  explicit ModuleRegistration(ModuleDescriptor descriptor) {
    ModuleRegistry::instance().add(std::move(descriptor));
  }
};

}  // namespace kontalk::api
