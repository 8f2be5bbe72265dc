#include "modules/register/http_call.hpp"

namespace kontalk::modules::registration {

Status statusFailure(long status, std::string detail) {
  return status >= 500 && status <= 599 ? providerUnavailable(std::move(detail))
                                        : providerRefused(std::move(detail));
}

}  // namespace kontalk::modules::registration
