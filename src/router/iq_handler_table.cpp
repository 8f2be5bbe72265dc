#include "router/iq_handler_table.hpp"

#include <stdexcept>

namespace kontalk::router {

void IqHandlerTable::add(api::IqScope scope, std::string xmlns, api::IqType type,
                         api::IqHandler handler) {
  auto key = std::make_tuple(scope, xmlns, type);
  if (!handlers_.emplace(std::move(key), std::move(handler)).second) {
    throw std::logic_error("two modules handle IQs in namespace " + xmlns);
  }
}

const api::IqHandler* IqHandlerTable::find(api::IqScope scope, const std::string& xmlns,
                                           api::IqType type) const {
  auto it = handlers_.find(std::make_tuple(scope, xmlns, type));
  return it == handlers_.end() ? nullptr : &it->second;
}

}  // namespace kontalk::router
