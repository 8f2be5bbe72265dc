#pragma once
// The server's side of the module API: what api::ModuleHost promises, backed by the router's IQ
// handler table and the router itself.
//
// Threading: registration happens during start-up on the main thread; afterwards the tables are
// read-only and the accessors may be called from any shard.

#include <map>
#include <set>
#include <vector>

#include "api/module.hpp"
#include "core/config.hpp"
#include "core/worker_pool.hpp"
#include "pgp/server_key.hpp"
#include "router/extension_points.hpp"
#include "router/router.hpp"
#include "storage/storage.hpp"

namespace kontalk::app {

class ServerModuleHost final : public api::ModuleHost {
 public:
  struct PeriodicTask {
    std::chrono::seconds interval;
    std::function<void()> task;
  };

  ServerModuleHost(const core::Config& config, router::ExtensionPoints& extensions,
                   router::Router& router, storage::Storage& storage, core::WorkerPool& workers,
                   const pgp::ServerKey& serverKey);

  const std::string& domain() const override { return config_.server.domain; }
  const std::filesystem::path& dataDirectory() const override { return config_.server.dataDir; }
  std::string configString(std::string_view module, std::string_view key,
                           std::string_view fallback) const override;
  void handleIq(api::IqScope scope, std::string xmlns, api::IqType type,
                api::IqHandler handler) override;
  void addDiscoFeature(api::IqScope scope, std::string var) override;
  void addDiscoIdentity(api::IqScope scope, api::DiscoIdentity identity) override;
  std::vector<std::string> discoFeatures(api::IqScope scope) const override;
  std::vector<api::DiscoIdentity> discoIdentities(api::IqScope scope) const override;
  void handlePreAuthIq(std::string xmlns, api::IqType type, api::PreAuthIqHandler handler) override;
  void hookStanza(api::StanzaHook hook, int order, api::StanzaHandler handler) override;
  void hookSessionBound(api::SessionHandler handler) override;
  void hookSessionClosed(api::SessionHandler handler) override;
  void prepareSessions(api::SessionPreparation work) override;
  void hookKeyChange(api::KeyChangeHandler handler) override;
  void announceKeyChange(const api::KeyChange& change) override;
  void handleStreamElement(std::string xmlns, std::string name,
                           api::StreamElementHandler handler) override;
  void addStreamFeature(api::FeatureStage stage, xml::Element feature) override;
  void send(xml::Element stanza) override;
  void sendRecorded(xml::Element message, api::JournalId id) override;
  void provideDeliveryJournal(api::DeliveryJournal& journal) override;
  void deliverHeld(const xmpp::Jid& session, xml::Element stanza) override;
  void deliverToResources(xml::Element presence) override;
  std::vector<std::shared_ptr<const api::Session>> sessionsOf(
      const xmpp::Jid& bareJid) const override;
  storage::Storage& storage() override { return storage_; }
  const pgp::ServerKey& serverKey() const override { return serverKey_; }
  void runBlocking(std::function<void()> work) override;
  void every(std::chrono::seconds interval, std::function<void()> task) override;

  // What every() registered; the server starts them once the shards run.
  const std::vector<PeriodicTask>& periodicTasks() const { return periodicTasks_; }

 private:
  const core::Config& config_;
  router::ExtensionPoints& extensions_;
  router::Router& router_;
  storage::Storage& storage_;
  const pgp::ServerKey& serverKey_;
  core::WorkerPool& workers_;
  std::vector<PeriodicTask> periodicTasks_;
  std::map<api::IqScope, std::set<std::string>> features_;
  std::map<api::IqScope, std::vector<api::DiscoIdentity>> identities_;
};

}  // namespace kontalk::app
