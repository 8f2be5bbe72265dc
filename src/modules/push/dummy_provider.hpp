#pragma once
// The development push provider (dummy.push.DOMAIN, spec §8.3): a push is a log line.
// Threading: any thread.

#include "modules/push/push_provider.hpp"

namespace kontalk::modules::push {

class DummyProvider final : public PushProvider {
 public:
  PushResult send(const std::string& account, const std::string& token) override;
};

}  // namespace kontalk::modules::push
