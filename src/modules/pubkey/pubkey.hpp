#pragma once
// Kontalk public keys (spec §5, §0): fetching a user's or the server's key (urn:xmpp:pubkey:2, a
// variant of XEP-0189), the sender's key attached to subscription requests, and the key's
// fingerprint on every presence broadcast.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makePubkeyModule();
}
