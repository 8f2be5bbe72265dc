#pragma once
// An api::ModuleHost for unit tests of offline delivery: real storage, blocking work run at once
// on the calling thread, and the stanzas the module sends kept for the test to look at. Whatever
// offline delivery does not use aborts, so that a test cannot silently depend on it.

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/module_host.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::offline::testing {

class FakeModuleHost final : public api::ModuleHost {
 public:
  struct Sent {
    xml::Element stanza;
    api::JournalId id = 0;
  };

  explicit FakeModuleHost(storage::Storage& storage) : storage_(storage) {}

  std::vector<Sent> takeSent() {
    std::lock_guard lock(mutex_);
    return std::exchange(sent_, {});
  }

  const std::string& moduleName() const override { return name_; }
  const std::string& domain() const override { return domain_; }
  const std::filesystem::path& dataDirectory() const override { std::abort(); }
  storage::Storage& storage() override { return storage_; }
  api::AccountDirectory& accounts() override { std::abort(); }
  const pgp::ServerKey& serverKey() const override { std::abort(); }
  void onIq(api::IqScope, std::string, api::IqType, api::IqHandler) override { std::abort(); }
  void onStanza(api::StanzaHook, int, api::StanzaHandler) override { std::abort(); }
  void onSession(api::SessionEvent, api::SessionHandler) override { std::abort(); }
  void onStreamElement(std::string, std::string, api::StreamElementHandler) override {
    std::abort();
  }
  void onKeyChange(api::KeyChangeHandler) override { std::abort(); }
  void onInterval(std::chrono::seconds, std::function<void()>) override { std::abort(); }
  void advertiseStreamFeature(api::FeatureStage, xml::Element) override { std::abort(); }
  void advertiseDiscoFeature(api::IqScope, std::string) override { std::abort(); }
  void advertiseDiscoIdentity(api::IqScope, api::DiscoIdentity) override { std::abort(); }
  void send(xml::Element stanza) override { sendRecorded(std::move(stanza), 0); }
  void sendRecorded(xml::Element message, api::JournalId id) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(Sent{std::move(message), id});
  }
  void deliverHeld(const xmpp::Jid&, xml::Element) override { std::abort(); }
  void deliverToResources(xml::Element) override { std::abort(); }
  void announceKeyChange(const api::KeyChange&) override { std::abort(); }
  std::vector<std::shared_ptr<const api::Session>> sessionsOf(const xmpp::Jid&) const override {
    return {};
  }
  std::vector<std::string> discoFeatures(api::IqScope) const override { std::abort(); }
  std::vector<api::DiscoIdentity> discoIdentities(api::IqScope) const override { std::abort(); }
  void runBlocking(std::function<void()> work, api::WorkKind) override { work(); }

 protected:
  void provideService(std::type_index, void*) override { std::abort(); }
  void* findService(std::type_index) const override { std::abort(); }

 private:
  storage::Storage& storage_;
  const std::string name_ = "offline";
  const std::string domain_ = "example.org";
  std::mutex mutex_;
  std::vector<Sent> sent_;
};

}  // namespace kontalk::modules::offline::testing
