#include <algorithm>
#include <stdexcept>

#include "api/module_descriptor.hpp"

namespace kontalk::api {

ModuleRegistry& ModuleRegistry::instance() {
  static ModuleRegistry registry;
  return registry;
}

void ModuleRegistry::add(ModuleDescriptor descriptor) {
  if (find(descriptor.name) != nullptr) {
    throw std::logic_error("two modules are named " + descriptor.name);
  }
  const auto position = std::lower_bound(
      descriptors_.begin(), descriptors_.end(), descriptor.name,
      [](const ModuleDescriptor& entry, const std::string& name) { return entry.name < name; });
  descriptors_.insert(position, std::move(descriptor));
}

const ModuleDescriptor* ModuleRegistry::find(std::string_view name) const {
  for (const auto& descriptor : descriptors_) {
    if (descriptor.name == name) return &descriptor;
  }
  return nullptr;
}

}  // namespace kontalk::api
