#pragma once
// A feature module (ARCHITECTURE.md §4): created from its options by its descriptor
// (api/module_descriptor.hpp), started once, stopped once. A module sees only the api/ headers,
// xml/, xmpp/, base/, config/, pgp/ and the storage interfaces (scripts/check-layering enforces
// it).
// Threading: start() and stop() run on the main thread; what start() registers runs where
// api/module_host.hpp says.

#include <string_view>

#include "api/module_host.hpp"

namespace kontalk::api {

class Module {
 public:
  virtual ~Module() = default;
  // Registers the module's handlers. Runs once, on the main thread, before any connection is
  // accepted; modules listed in the descriptor's `dependencies` have started before.
  virtual void start(ModuleHost& host) = 0;
  // Shutdown, after every session ended and no more stanza hooks run (workers still run): flush
  // what must not be lost. Its registrations are undone afterwards.
  virtual void stop() {}
};

}  // namespace kontalk::api
