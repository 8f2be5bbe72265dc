#include <string>

#include "api/module_descriptor.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

struct VersionSettings {
  std::string name = "kontalk-server";
  std::string version = KONTALK_VERSION;
  std::string os;
};

const config::Section<VersionSettings>& versionOptions() {
  static const config::Section<VersionSettings> section(
      "modules.version", "Software version (XEP-0092) of the server.",
      [](config::SectionBuilder<VersionSettings>& option) {
        option.text("name", &VersionSettings::name, "the software name answered");
        option.text("version", &VersionSettings::version,
                    "the version answered (default: this build's)");
        option.text("os", &VersionSettings::os,
                    "the operating system answered; empty: not answered (XEP-0092 §5)");
      });
  return section;
}

class VersionModule final : public api::Module {
 public:
  explicit VersionModule(VersionSettings settings) : settings_(std::move(settings)) {}

  void start(api::ModuleHost& host) override {
    const std::string& softwareName = settings_.name;
    const std::string& version = settings_.version;
    const std::string& os = settings_.os;
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kVersion);
    host.onIq(api::IqScope::Server, ns::kVersion, api::IqType::Get,
              [&host, softwareName, version, os](const api::IqRequest& request) {
                xml::Element query("query", ns::kVersion);
                query.addChild("name", ns::kVersion).addText(softwareName);
                query.addChild("version", ns::kVersion).addText(version);
                if (!os.empty()) query.addChild("os", ns::kVersion).addText(os);
                host.replyResult(request, std::move(query));
                return api::HandlerResult::Handled;
              });
  }

 private:
  const VersionSettings settings_;
};

const api::ModuleRegistration kRegistration(api::describeModule<VersionModule>(
    "version", "Software version (XEP-0092)", {}, versionOptions()));

}  // namespace

}  // namespace kontalk::modules
