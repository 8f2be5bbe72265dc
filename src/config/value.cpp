#include "config/value.hpp"

namespace kontalk::config {

std::string_view Value::typeName() const {
  static constexpr std::string_view kNames[] = {"boolean", "integer", "float",
                                                "string",  "array",   "table"};
  return kNames[data.index()];
}

}  // namespace kontalk::config
