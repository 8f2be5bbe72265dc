// The upload module (src/modules/upload/) through the fake module host: media.DOMAIN as a
// subdomain service, and the slot requests only local users may make (spec §8.6, U6).

#include <gtest/gtest.h>

#include "api/fake_module_host.hpp"
#include "modules/upload/slot_request.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;

xml::Element slotRequest(const std::string& from) {
  xml::Element request("request", upload::kUploadNamespace);
  request.addChild("filename", upload::kUploadNamespace).addText("a b.jpg");
  request.addChild("size", upload::kUploadNamespace).addText("100");
  return FakeModuleHost::iq("get", from, "media.example.org", std::move(request));
}

class UploadModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = FakeModuleHost::create("upload");
    host_.start(*module_);
  }
  FakeModuleHost host_;
  std::unique_ptr<api::Module> module_;
};

TEST_F(UploadModuleTest, IsASubdomainServiceWithForms) {
  const auto services = host_.serviceAddresses();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_TRUE(services[0].subdomain);
  EXPECT_EQ(services[0].jid("example.org"), "media.example.org");
  EXPECT_EQ(services[0].forms.size(), 2u);
}

TEST_F(UploadModuleTest, RemoteUserIsNotAllowed) {
  ASSERT_EQ(host_.deliverIq(IqScope::Service, slotRequest("mallory@elsewhere.net/x")),
            api::HandlerResult::Handled);
  const auto sent = host_.takeSent();
  ASSERT_EQ(sent.size(), 1u);
  const auto* error = sent[0].child("error", "jabber:client");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->child("not-allowed", "urn:ietf:params:xml:ns:xmpp-stanzas"), nullptr);
  EXPECT_EQ(error->attribute("type"), "cancel");
  EXPECT_EQ(host_.pendingWork(), 0u);  // nothing stored for them
}

TEST_F(UploadModuleTest, LocalUserGetsASlotWithTheSanitisedName) {
  ASSERT_EQ(host_.deliverIq(IqScope::Service, slotRequest("alice@example.org/phone")),
            api::HandlerResult::Handled);
  host_.runPendingWork();
  const auto sent = host_.takeSent();
  ASSERT_EQ(sent.size(), 1u);
  const auto* slot = sent[0].child("slot", upload::kUploadNamespace);
  ASSERT_NE(slot, nullptr) << "no slot";
  const auto put = slot->childText("put", upload::kUploadNamespace);
  EXPECT_TRUE(put.starts_with("https://localhost:5443/upload/")) << put;
  EXPECT_TRUE(put.ends_with("/a_b.jpg")) << put;
}

TEST_F(UploadModuleTest, OtherSubdomainsAreNotItsBusiness) {
  auto stanza = slotRequest("alice@example.org/phone");
  stanza.setAttribute("to", "other.example.org");
  EXPECT_EQ(host_.deliverIq(IqScope::Service, stanza), api::HandlerResult::Continue);
}

}  // namespace
}  // namespace kontalk::modules
