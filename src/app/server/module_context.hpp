#pragma once
// The server's side of the module API: one api::ModuleHost per module, which tags everything the
// module registers with its name (so that stopping the module undoes it) and keeps the threading
// promises of api/module_host.hpp: routing asked for from a worker is posted to a shard.
//
// Threading: registration during Module::start() on the main thread only (a later one is a
// programming error and throws); the acting methods from any thread.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "api/module_host.hpp"
#include "core/shard_pool.hpp"
#include "core/worker_pool.hpp"
#include "pgp/server_key.hpp"
#include "router/extension_points.hpp"
#include "router/router.hpp"
#include "storage/storage.hpp"

namespace kontalk::app {

// What every module's host shares; owned by the server.
struct ModuleServices {
  std::string domain;
  std::filesystem::path dataDirectory;
  std::string httpBaseUrl;  // api::ModuleHost::httpBaseUrl
  router::ExtensionPoints& extensions;
  router::Router& router;
  storage::Storage& storage;
  api::AccountDirectory& accounts;
  core::WorkerPool& workers;          // WorkKind::Storage
  core::WorkerPool& externalWorkers;  // WorkKind::External
  core::ShardPool& shards;
  const pgp::ServerKey& serverKey;
};

struct PeriodicTask {
  std::string owner;
  std::chrono::seconds interval;
  std::function<void()> task;
};

class ModuleContext final : public api::ModuleHost {
 public:
  ModuleContext(std::string moduleName, ModuleServices& services);

  const std::string& moduleName() const override { return name_; }
  // Registrations are accepted until this is called (after Module::start()).
  void closeRegistration() { registering_ = false; }
  const std::vector<PeriodicTask>& periodicTasks() const { return periodicTasks_; }

  const std::string& domain() const override { return services_.domain; }
  const std::filesystem::path& dataDirectory() const override { return services_.dataDirectory; }
  const std::string& httpBaseUrl() const override { return services_.httpBaseUrl; }
  storage::Storage& storage() override { return services_.storage; }
  api::AccountDirectory& accounts() override { return services_.accounts; }
  const pgp::ServerKey& serverKey() const override { return services_.serverKey; }

  void onIq(api::IqScope scope, std::string xmlns, api::IqType type,
            api::IqHandler handler) override;
  void onStanza(api::StanzaHook point, int order, api::StanzaHandler handler) override;
  void onSession(api::SessionEvent event, api::SessionHandler handler) override;
  void onStreamElement(std::string xmlns, std::string name,
                       api::StreamElementHandler handler) override;
  void onKeyChange(api::KeyChangeHandler handler) override;
  void onInterval(std::chrono::seconds interval, std::function<void()> task) override;
  void onHttp(std::string prefix, api::HttpHandler handler) override;
  void advertiseStreamFeature(api::FeatureStage stage, xml::Element feature) override;
  void advertiseDiscoFeature(api::IqScope scope, std::string var) override;
  void advertiseDiscoIdentity(api::IqScope scope, api::DiscoIdentity identity) override;
  void advertiseService(api::ServiceAddress service) override;

  bool sendIq(xml::Element iq, std::chrono::milliseconds timeout,
              IqResponseHandler onResponse) override;
  void send(xml::Element stanza) override;
  void send(xml::Element stanza, api::AcknowledgementHold hold) override;
  void sendRecorded(xml::Element message, api::JournalId id) override;
  void deliverHeld(const xmpp::Jid& session, xml::Element stanza) override;
  void deliverToResources(xml::Element presence) override;
  void announceKeyChange(const api::KeyChange& change) override;
  std::vector<std::shared_ptr<const api::Session>> sessionsOf(
      const xmpp::Jid& bareJid) const override;
  std::vector<std::string> discoFeatures(api::IqScope scope) const override;
  std::vector<api::DiscoIdentity> discoIdentities(api::IqScope scope) const override;
  std::vector<api::ServiceAddress> serviceAddresses() const override;
  void runBlocking(std::function<void()> work, api::WorkKind kind) override;

 protected:
  void provideService(std::type_index type, void* service) override;
  void* findService(std::type_index type) const override;

 private:
  // Throws std::logic_error outside Module::start().
  void checkRegistering(std::string_view what) const;
  // Runs `work` now when on a shard, else posts it to the account's shard, so that work a
  // worker asks for one account keeps its order.
  void onShard(const std::string& account, std::function<void()> work);
  asio::io_context& shardOf(const std::string& account);

  std::string name_;
  ModuleServices& services_;
  bool registering_ = true;
  std::vector<PeriodicTask> periodicTasks_;
};

}  // namespace kontalk::app
