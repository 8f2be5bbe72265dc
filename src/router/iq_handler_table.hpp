#pragma once
// IQ handlers registered by modules, keyed by (scope, payload namespace, type). Filled during
// start-up on the main thread and read-only afterwards, so lookups from shards need no lock.

#include <map>
#include <string>
#include <tuple>

#include "api/module.hpp"

namespace kontalk::router {

class IqHandlerTable {
 public:
  // Throws std::logic_error on a duplicate registration (a start-up programming error).
  void add(api::IqScope scope, std::string xmlns, api::IqType type, api::IqHandler handler);
  const api::IqHandler* find(api::IqScope scope, const std::string& xmlns, api::IqType type) const;

 private:
  std::map<std::tuple<api::IqScope, std::string, api::IqType>, api::IqHandler> handlers_;
};

}  // namespace kontalk::router
