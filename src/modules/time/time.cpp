#include "modules/time/time.hpp"

#include <chrono>

#include "xmpp/datetime.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

class TimeModule final : public api::Module {
 public:
  std::string_view name() const override { return "time"; }

  void start(api::ModuleHost& host) override {
    host.addDiscoFeature(api::IqScope::Server, ns::kTime);
    host.handleIq(api::IqScope::Server, ns::kTime, api::IqType::Get,
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

}  // namespace

std::unique_ptr<api::Module> makeTimeModule() {
  return std::make_unique<TimeModule>();
}

}  // namespace kontalk::modules
