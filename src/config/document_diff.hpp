#pragma once
// What changed between two loads of a configuration file, key by key, for a reload that must say
// which changes it applied and which wait for a restart.
// Threading: a pure function; any thread.

#include <string>
#include <vector>

#include "config/value.hpp"

namespace kontalk::config {

// The dotted keys ("c2s.listen", "modules.network.servers") whose values differ between `before`
// and `after` (two root tables), added and removed keys included, in sorted order. Tables are
// compared key by key; arrays (also arrays of tables) as a whole. Lines are ignored.
std::vector<std::string> changedKeys(const Value& before, const Value& after);

}  // namespace kontalk::config
