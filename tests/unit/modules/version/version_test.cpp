// The version module (src/modules/version/version.cpp), created from its [modules.version]
// options through the fake module host.

#include <gtest/gtest.h>

#include "api/fake_module_host.hpp"
#include "config/config_error.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;

// The <query/> of the answer to a version request (XEP-0092 §2).
xml::Element askVersion(FakeModuleHost& host) {
  const auto result = host.deliverIq(
      IqScope::Server, FakeModuleHost::iq("get", "alice@example.org/phone", "example.org",
                                          xml::Element("query", ns::kVersion)));
  EXPECT_EQ(result, api::HandlerResult::Handled);
  auto replies = host.takeSent();
  if (replies.size() != 1 || replies[0].child("query", ns::kVersion) == nullptr) {
    ADD_FAILURE() << "expected one reply with a query, got " << replies.size() << " stanzas";
    return xml::Element("none");
  }
  EXPECT_EQ(replies[0].attribute("type"), "result");
  EXPECT_EQ(replies[0].attribute("to"), "alice@example.org/phone");
  return *replies[0].child("query", ns::kVersion);
}

TEST(VersionTest, AnswersTheConfiguredNameVersionAndOs) {
  FakeModuleHost host;
  auto module = FakeModuleHost::create(
      "version", "name = \"kontalk-test\"\nversion = \"9.8.7\"\nos = \"Plan 9\"\n");
  host.start(*module);
  const auto query = askVersion(host);
  EXPECT_EQ(query.childText("name", ns::kVersion), "kontalk-test");
  EXPECT_EQ(query.childText("version", ns::kVersion), "9.8.7");
  EXPECT_EQ(query.childText("os", ns::kVersion), "Plan 9");
  EXPECT_EQ(host.discoFeatures(IqScope::Server), std::vector<std::string>{ns::kVersion});
}

// XEP-0092 §5: the operating system is optional; an empty `os` leaves it out.
TEST(VersionTest, DefaultsAnswerThisBuildAndOmitTheOs) {
  FakeModuleHost host;
  auto module = FakeModuleHost::create("version");
  host.start(*module);
  const auto query = askVersion(host);
  EXPECT_EQ(query.childText("name", ns::kVersion), "kontalk-server");
  EXPECT_EQ(query.childText("version", ns::kVersion), KONTALK_VERSION);
  EXPECT_EQ(query.child("os", ns::kVersion), nullptr);
}

TEST(VersionTest, AnswersOnlyTheServer) {
  FakeModuleHost host;
  auto module = FakeModuleHost::create("version");
  host.start(*module);
  EXPECT_EQ(host.deliverIq(IqScope::Account,
                           FakeModuleHost::iq("get", "alice@example.org/phone", "bob@example.org",
                                              xml::Element("query", ns::kVersion))),
            std::nullopt);
}

TEST(VersionTest, AnUnknownOptionIsAConfigError) {
  try {
    (void)FakeModuleHost::create("version", "name = \"x\"\nkernel = \"linux\"\n");
    FAIL() << "no error";
  } catch (const config::ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "test.toml:3: [modules.version] kernel is not a known setting "
                 "(known: name, version, os)");
  }
}

}  // namespace
}  // namespace kontalk::modules
