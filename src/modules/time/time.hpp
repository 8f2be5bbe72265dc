#pragma once
// Entity Time (XEP-0202) of the server: UTC time, and offset +00:00 (servers run in UTC).
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeTimeModule();
}
