#pragma once
// Registration's use of the shared HTTP client (base/http_call.hpp): its names in this
// namespace, and how a verification service's HTTP status maps to a provider failure.
// Threading: as base/http_call.hpp.

#include <string>

#include "base/http_call.hpp"
#include "modules/register/verification_provider.hpp"

namespace kontalk::modules::registration {

using base::describeRequest;
using base::formEncode;
using base::HttpOptions;
using base::HttpRequest;
using base::HttpResponse;
using base::initHttpCalls;
using base::isSuccess;
using base::percentEncode;
using base::performHttp;

// How a service that answered `status` outside 2xx failed (ARCHITECTURE.md §10): 5xx is
// transient (try again, or elsewhere), like no answer at all; 4xx and the rest permanent.
Status statusFailure(long status, std::string detail);

}  // namespace kontalk::modules::registration
