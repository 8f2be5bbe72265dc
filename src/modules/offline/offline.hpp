#pragma once
// Offline messages (XEP-0160, Kontalk spec §8): chat and normal messages for an account without
// an available resource are stored with a delay stamp (XEP-0203) and delivered, oldest first,
// when the account's next session becomes available. Per-account quota and expiry.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeOfflineModule();
}
