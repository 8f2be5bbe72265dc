#include "api/module_descriptor.hpp"

#include <chrono>

#include "xmpp/datetime.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

class TimeModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kTime);
    host.onIq(api::IqScope::Server, ns::kTime, api::IqType::Get,
              [&host](const api::IqRequest& request) {
                xml::Element time("time", ns::kTime);
                time.addChild("tzo", ns::kTime).addText("+00:00");
                time.addChild("utc", ns::kTime)
                    .addText(xmpp::formatDateTime(std::chrono::system_clock::now()));
                host.replyResult(request, std::move(time));
                return api::HandlerResult::Handled;
              });
  }
};

const api::ModuleRegistration kRegistration(
    api::describeModule<TimeModule>("time", "Entity time (XEP-0202) of the server", {}));

}  // namespace

}  // namespace kontalk::modules
