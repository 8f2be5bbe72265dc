#include "modules/version/version.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

class VersionModule final : public api::Module {
 public:
  std::string_view name() const override { return "version"; }

  void start(api::ModuleHost& host) override {
    const std::string softwareName = host.configString(name(), "name", "kontalk-server");
    const std::string version = host.configString(name(), "version", KONTALK_VERSION);
    const std::string os = host.configString(name(), "os", "");
    host.addDiscoFeature(api::IqScope::Server, ns::kVersion);
    host.handleIq(api::IqScope::Server, ns::kVersion, api::IqType::Get,
                  [&host, softwareName, version, os](const api::IqRequest& request) {
                    xml::Element query("query", ns::kVersion);
                    query.addChild("name", ns::kVersion).addText(softwareName);
                    query.addChild("version", ns::kVersion).addText(version);
                    if (!os.empty()) query.addChild("os", ns::kVersion).addText(os);
                    host.replyResult(request, std::move(query));
                    return api::HandlerResult::Handled;
                  });
  }
};

}  // namespace

std::unique_ptr<api::Module> makeVersionModule() {
  return std::make_unique<VersionModule>();
}

}  // namespace kontalk::modules
