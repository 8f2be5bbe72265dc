#include "modules/last/last_query.hpp"

#include <algorithm>
#include <string>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::last {

xml::Element makeLastQuery(std::int64_t seconds, std::string_view status) {
  xml::Element query("query", ns::kLastActivity);
  query.setAttribute("seconds", std::to_string(std::max<std::int64_t>(seconds, 0)));
  if (!status.empty()) query.addText(status);
  return query;
}

}  // namespace kontalk::modules::last
