// The modules a server runs (src/app/server/module_set.cpp) and each module's host
// (src/app/server/module_context.cpp): choice and start order from [modules], registrations
// tagged with their module and undone when it stops, the start-up errors of conflicting or late
// registrations.
//
// The modules here are test-only, registered in this executable under names starting with
// "test-", beside three feature modules linked into app_tests (ping, pubkey, version).
// ModuleSet's default is every registered module, and two test modules conflict on purpose:
// tests name the modules they enable.

#include "app/server/module_set.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "api/fake_module_host.hpp"
#include "api/module_descriptor.hpp"
#include "api/no_journal.hpp"
#include "api/roster_queries.hpp"
#include "app/server/account_directory.hpp"
#include "storage/migrated_storage.hpp"
#include "xmpp/error_condition.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::app {
namespace {

using api::HandlerResult;
using api::IqScope;
using api::StanzaHook;

// What the test modules did, in order ("start NAME", "stop NAME", notes).
std::vector<std::string>& moduleLog() {
  static std::vector<std::string> log;
  return log;
}

// The host of test-late, kept past its start() to try registering later.
api::ModuleHost* lateHost = nullptr;

HandlerResult handled(const api::IqRequest&) {
  return HandlerResult::Handled;
}

api::StanzaHandler logging(std::string name) {
  return [name](api::StanzaEvent&) {
    moduleLog().push_back("hook " + name);
    return HandlerResult::Continue;
  };
}

using api::testing::NoJournal;

class NoRoster final : public api::RosterQueries {
 public:
  Result<bool> seesPresenceOf(const xmpp::Jid&, const xmpp::Jid&) override { return false; }
};

// Registers one thing of every kind (its hooks out of order on purpose) and provides the
// delivery journal and the roster queries.
class EverythingModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    moduleLog().push_back("start test-everything");
    host.onIq(IqScope::Server, "urn:test:everything", api::IqType::Get, handled);
    host.onIq(IqScope::Account, "urn:test:everything", api::IqType::Set, handled);
    host.onStanza(StanzaHook::FromClient, 7300, logging("everything-7300"));
    host.onStanza(StanzaHook::FromClient, 7100, logging("everything-7100"));
    host.onStanza(StanzaHook::Undeliverable, 7100, logging("everything-undeliverable"));
    for (auto event :
         {api::SessionEvent::Preparing, api::SessionEvent::Bound, api::SessionEvent::Closed}) {
      host.onSession(event, [](const api::Session&) {});
    }
    host.onStreamElement("urn:test", "everything", [](const api::Session&, const xml::Element&) {});
    host.onKeyChange([](const api::KeyChange&) {});
    host.onInterval(std::chrono::seconds(60), [] {});
    host.advertiseStreamFeature(api::FeatureStage::AfterAuthentication,
                                xml::Element("everything", "urn:test"));
    host.advertiseDiscoFeature(IqScope::Server, "urn:test:everything");
    host.advertiseDiscoIdentity(IqScope::Server, {"test", "everything", "Everything"});
    host.provide<api::DeliveryJournal>(journal_);
    host.provide<api::RosterQueries>(roster_);
  }
  void stop() override { moduleLog().push_back("stop test-everything"); }

 private:
  NoJournal journal_;
  NoRoster roster_;
};

// Registers its own things, between test-everything's hooks.
class BystanderModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    moduleLog().push_back("start test-bystander");
    host.onIq(IqScope::Server, "urn:test:bystander", api::IqType::Get, handled);
    host.onStanza(StanzaHook::FromClient, 7200, logging("bystander-7200"));
    host.onSession(api::SessionEvent::Bound, [](const api::Session&) {});
    host.onStreamElement("urn:test", "bystander", [](const api::Session&, const xml::Element&) {});
    host.onKeyChange([](const api::KeyChange&) {});
    host.onInterval(std::chrono::seconds(30), [] {});
    host.advertiseStreamFeature(api::FeatureStage::AfterAuthentication,
                                xml::Element("bystander", "urn:test"));
    host.advertiseDiscoFeature(IqScope::Server, "urn:test:bystander");
    host.advertiseDiscoIdentity(IqScope::Server, {"test", "bystander", "Bystander"});
  }
  void stop() override { moduleLog().push_back("stop test-bystander"); }
};

// A service of the test's own, for the dependency order.
struct Greeting {
  std::string text = "hello";
};

// Sorts after test-a-user by name, yet test-a-user requires it: it must start first.
class ProviderModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    moduleLog().push_back("start test-z-provider");
    host.provide<Greeting>(greeting_);
  }
  void stop() override { moduleLog().push_back("stop test-z-provider"); }

 private:
  Greeting greeting_;
};

class UserModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    const auto* greeting = host.service<Greeting>();
    moduleLog().push_back("start test-a-user, greeting " +
                          (greeting != nullptr ? greeting->text : "missing"));
  }
  void stop() override { moduleLog().push_back("stop test-a-user"); }
};

// Uses the greeting when its provider runs, and runs without it.
class OptionalUserModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    const auto* greeting = host.service<Greeting>();
    moduleLog().push_back("start test-a-optional-user, greeting " +
                          (greeting != nullptr ? greeting->text : "missing"));
  }
};

// Takes test-everything's IQ.
class IqTwinModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    host.onIq(IqScope::Server, "urn:test:everything", api::IqType::Get, handled);
  }
};

// Takes test-everything's hook order.
class HookTwinModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    host.onStanza(StanzaHook::FromClient, 7100, logging("twin"));
  }
};

// Registers one thing of every kind, then fails, as a module whose resource cannot be opened
// does; it requires two modules so that they start before it.
class FailingModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    moduleLog().push_back("start test-failing");
    host.onIq(IqScope::Server, "urn:test:failing", api::IqType::Get, handled);
    host.onStanza(StanzaHook::FromClient, 7400, logging("failing-7400"));
    host.onSession(api::SessionEvent::Bound, [](const api::Session&) {});
    host.onStreamElement("urn:test", "failing", [](const api::Session&, const xml::Element&) {});
    host.onKeyChange([](const api::KeyChange&) {});
    host.onInterval(std::chrono::seconds(10), [] {});
    host.advertiseStreamFeature(api::FeatureStage::AfterAuthentication,
                                xml::Element("failing", "urn:test"));
    host.advertiseDiscoFeature(IqScope::Server, "urn:test:failing");
    host.advertiseService(
        {"failing", "Failing", {"component", "generic", "Failing"}, {}, false, {}, {}});
    host.provide<api::DeliveryJournal>(journal_);
    throw std::runtime_error("cannot open its file");
  }
  void stop() override { moduleLog().push_back("stop test-failing"); }

 private:
  NoJournal journal_;
};

class LateModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override { lateHost = &host; }
};

const api::ModuleRegistration kEverything(
    api::describeModule<EverythingModule>("test-everything", "registers everything", {}));
const api::ModuleRegistration kBystander(api::describeModule<BystanderModule>("test-bystander",
                                                                              "registers beside",
                                                                              {}));
const api::ModuleRegistration kProvider(api::describeModule<ProviderModule>("test-z-provider",
                                                                            "provides a greeting",
                                                                            {}));
const api::ModuleRegistration kUser(api::describeModule<UserModule>("test-a-user",
                                                                    "needs the greeting",
                                                                    {"test-z-provider"}));
const api::ModuleRegistration kOptionalUser(
    api::startsAfter(api::describeModule<OptionalUserModule>("test-a-optional-user",
                                                             "uses the greeting if there", {}),
                     {"test-z-provider"}));
const api::ModuleRegistration kIqTwin(api::describeModule<IqTwinModule>("test-iq-twin",
                                                                        "conflicting IQ", {}));
const api::ModuleRegistration kHookTwin(
    api::describeModule<HookTwinModule>("test-hook-twin", "conflicting hook order", {}));
const api::ModuleRegistration kFailing(api::describeModule<FailingModule>(
    "test-failing", "fails to start", {"test-bystander", "test-z-provider"}));
const api::ModuleRegistration kLate(api::describeModule<LateModule>("test-late", "keeps its host",
                                                                    {}));

ModulesSettings enable(std::vector<std::string> names) {
  ModulesSettings settings;
  settings.enabled = std::move(names);
  settings.enabledLine = 3;
  return settings;
}

// Everything registered in `extensions` by `owner`, counted over every kind of registration.
std::size_t registrationsOf(const router::ExtensionPoints& extensions, const std::string& owner) {
  std::size_t count = 0;
  const auto add = [&](const auto& entries) {
    for (const auto& entry : entries) count += entry.owner == owner;
  };
  const auto addMap = [&](const auto& entries) {
    for (const auto& [key, entry] : entries) count += entry.owner == owner;
  };
  addMap(extensions.iq);
  for (const auto& [point, hooks] : extensions.stanzaHooks) add(hooks);
  for (const auto& [event, handlers] : extensions.sessionHandlers) add(handlers);
  addMap(extensions.streamElements);
  for (const auto& [stage, features] : extensions.streamFeatures) add(features);
  add(extensions.keyChanges);
  for (const auto& [scope, features] : extensions.discoFeatures) add(features);
  for (const auto& [scope, identities] : extensions.discoIdentities) add(identities);
  addMap(extensions.services);
  return count;
}

class ModuleSetTest : public storage::testing::MigratedStorageTest {
 protected:
  static void SetUpTestSuite() {
    keyDirectory_ = new storage::testing::TemporaryDirectory();
    auto key = pgp::ServerKey::load(
        api::testing::writeTestServerKey(keyDirectory_->path(), "example.org"));
    ASSERT_TRUE(key) << key.error().message;
    serverKey_ = new pgp::ServerKey(std::move(*key));
  }
  static void TearDownTestSuite() {
    delete serverKey_;
    delete keyDirectory_;
  }

  void SetUp() override {
    MigratedStorageTest::SetUp();
    moduleLog().clear();
    lateHost = nullptr;
    accounts_ = std::make_unique<StorageAccountDirectory>(storage());
    services_ = std::make_unique<ModuleServices>(
        ModuleServices{"example.org", "/nonexistent", "", extensions_, router_, storage(),
                       *accounts_, workers_, externalWorkers_, shards_, *serverKey_});
  }

  std::unique_ptr<ModuleSet> started(std::vector<std::string> names) {
    auto set = std::make_unique<ModuleSet>(enable(std::move(names)), "kontalkd.toml", *services_);
    set->startAll();
    return set;
  }

  // The message of the ConfigError `settings` cause, "" when none.
  std::string configError(const ModulesSettings& settings) {
    try {
      ModuleSet set(settings, "kontalkd.toml", *services_);
    } catch (const config::ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::vector<std::string> runFromClientHooks() {
    xml::Element stanza("message", ns::kClient);
    const auto from = *xmpp::Jid::parse("alice@example.org/phone");
    api::StanzaEvent event{stanza, from, from, nullptr};
    moduleLog().clear();
    extensions_.run(StanzaHook::FromClient, event);
    return moduleLog();
  }

  static storage::testing::TemporaryDirectory* keyDirectory_;
  static pgp::ServerKey* serverKey_;

  router::ExtensionPoints extensions_;
  router::SessionDirectory sessions_{router::ResourceConflictPolicy::ReplaceOlder, 10};
  router::Router router_{*xmpp::Jid::parse("example.org"), sessions_, extensions_};
  core::WorkerPool workers_{1};
  core::WorkerPool externalWorkers_{1};
  core::ShardPool shards_{1};
  std::unique_ptr<StorageAccountDirectory> accounts_;
  std::unique_ptr<ModuleServices> services_;
};

storage::testing::TemporaryDirectory* ModuleSetTest::keyDirectory_ = nullptr;
pgp::ServerKey* ModuleSetTest::serverKey_ = nullptr;

// A module starts after the modules it requires, whatever their names; stops before them.
TEST_F(ModuleSetTest, StartsInDependencyOrderAndStopsInReverse) {
  auto set = started({"test-a-user", "test-z-provider"});
  EXPECT_EQ(set->names(), (std::vector<std::string>{"test-z-provider", "test-a-user"}));
  set->stopAll();
  EXPECT_EQ(moduleLog(),
            (std::vector<std::string>{"start test-z-provider", "start test-a-user, greeting hello",
                                      "stop test-a-user", "stop test-z-provider"}));
}

// An optional dependency orders the start when both run, and is not required.
TEST_F(ModuleSetTest, StartsAfterAnOptionalDependencyWhenItRunsAndWithoutItOtherwise) {
  auto both = started({"test-a-optional-user", "test-z-provider"});
  EXPECT_EQ(both->names(), (std::vector<std::string>{"test-z-provider", "test-a-optional-user"}));
  both->stopAll();
  auto alone = started({"test-a-optional-user"});
  EXPECT_EQ(alone->names(), std::vector<std::string>{"test-a-optional-user"});
  EXPECT_EQ(moduleLog(),
            (std::vector<std::string>{
                "start test-z-provider", "start test-a-optional-user, greeting hello",
                "stop test-z-provider", "start test-a-optional-user, greeting missing"}));
}

// Without [modules] enabled, every module the build registered runs.
TEST_F(ModuleSetTest, DefaultIsEveryRegisteredModule) {
  ModuleSet set(ModulesSettings{}, "kontalkd.toml", *services_);  // not started: two conflict
  auto names = set.names();
  std::vector<std::string> registered;
  for (const auto& descriptor : api::ModuleRegistry::instance().all()) {
    registered.push_back(descriptor.name);
  }
  const auto position = [&names](const std::string& name) {
    return std::find(names.begin(), names.end(), name) - names.begin();
  };
  EXPECT_LT(position("test-z-provider"), position("test-a-user"));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, registered);
}

// ARCHITECTURE.md §4: everything lands in the extension points, tagged with its module; hooks
// of all modules run in order, whoever registered them first.
TEST_F(ModuleSetTest, RegistrationsAreTaggedWithTheirModuleAndHooksSortedAcrossModules) {
  auto set = started({"test-everything", "test-bystander"});
  EXPECT_EQ(registrationsOf(extensions_, "test-everything"), 15u);
  EXPECT_EQ(registrationsOf(extensions_, "test-bystander"), 8u);
  EXPECT_NE(extensions_.findIq(IqScope::Server, "urn:test:everything", api::IqType::Get), nullptr);
  EXPECT_NE(extensions_.journal, nullptr);
  EXPECT_EQ(runFromClientHooks(),
            (std::vector<std::string>{"hook everything-7100", "hook bystander-7200",
                                      "hook everything-7300"}));
  const auto tasks = set->periodicTasks();
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].owner, "test-bystander");  // started first: by name
  EXPECT_EQ(tasks[0].interval, std::chrono::seconds(30));
  set->stopAll();
}

// ARCHITECTURE.md §4: when a module stops, every registration of it is undone (IQ handlers,
// hooks, session handlers, nonzas, features, disco, services, the journal); the other modules'
// registrations stay.
TEST_F(ModuleSetTest, StoppingUndoesEveryRegistrationOfTheStoppedModulesOnly) {
  auto bystander = started({"test-bystander"});
  auto everything = started({"test-everything"});
  ASSERT_GT(registrationsOf(extensions_, "test-everything"), 0u);
  everything->stopAll();
  EXPECT_EQ(registrationsOf(extensions_, "test-everything"), 0u);
  EXPECT_EQ(extensions_.journal, nullptr);
  EXPECT_EQ(extensions_.findService(typeid(api::RosterQueries)), nullptr);
  EXPECT_EQ(extensions_.findIq(IqScope::Server, "urn:test:everything", api::IqType::Get), nullptr);
  EXPECT_TRUE(everything->periodicTasks().empty());
  EXPECT_EQ(registrationsOf(extensions_, "test-bystander"), 8u);
  EXPECT_EQ(runFromClientHooks(), std::vector<std::string>{"hook bystander-7200"});
  EXPECT_EQ(bystander->periodicTasks().size(), 1u);

  bystander->stopAll();
  EXPECT_EQ(registrationsOf(extensions_, "test-bystander"), 0u);
  EXPECT_TRUE(extensions_.iq.empty());
  EXPECT_TRUE(extensions_.services.empty());
}

// The same for feature modules as they are: ping, version and pubkey (linked into this test)
// leave nothing behind.
TEST_F(ModuleSetTest, StoppingRealModulesLeavesNothingBehind) {
  auto set = started({"ping", "pubkey", "version"});
  EXPECT_NE(extensions_.findIq(IqScope::Server, ns::kPing, api::IqType::Get), nullptr);
  EXPECT_NE(extensions_.findIq(IqScope::Account, ns::kPubkey, api::IqType::Get), nullptr);
  EXPECT_NE(extensions_.findIq(IqScope::Server, ns::kVersion, api::IqType::Get), nullptr);
  EXPECT_EQ(extensions_.stanzaHooks[StanzaHook::ToSession].size(), 1u);
  EXPECT_EQ(extensions_.sessionHandlers[api::SessionEvent::Preparing].size(), 1u);
  set->stopAll();
  for (const char* name : {"ping", "pubkey", "version"}) {
    EXPECT_EQ(registrationsOf(extensions_, name), 0u) << name;
  }
  EXPECT_TRUE(extensions_.iq.empty());
}

// One handler per (scope, namespace, type): a second is a start-up error naming both modules.
TEST_F(ModuleSetTest, ASecondHandlerForTheSameIqThrowsAtStart) {
  ModuleSet set(enable({"test-everything", "test-iq-twin"}), "kontalkd.toml", *services_);
  try {
    set.startAll();
    FAIL() << "no error";
  } catch (const ModuleStartError& e) {
    EXPECT_STREQ(e.what(),
                 "module test-iq-twin failed to start: modules test-everything and test-iq-twin "
                 "both handle IQs in namespace urn:test:everything");
  }
  set.stopAll();
}

// Orders are unique per hook point: two modules at one order would run in start order, a
// hidden dependency.
TEST_F(ModuleSetTest, TheSameHookOrderFromAnotherModuleThrowsAtStart) {
  ModuleSet set(enable({"test-everything", "test-hook-twin"}), "kontalkd.toml", *services_);
  try {
    set.startAll();
    FAIL() << "no error";
  } catch (const ModuleStartError& e) {
    EXPECT_STREQ(e.what(),
                 "module test-hook-twin failed to start: modules test-everything and "
                 "test-hook-twin hook the same point at order 7100");
  }
  set.stopAll();
}

// A module that fails to start leaves no half-started server: what it registered is undone at
// once, the error names it, and the modules started before it keep running until the owner
// stops them (the server first drains the workers their blocking work may be on), in reverse
// order, after which nothing any of them registered stays.
TEST_F(ModuleSetTest, AModuleFailingToStartIsUndoneAndTheOnesBeforeItStopWhenAsked) {
  ModuleSet set(enable({"test-bystander", "test-failing", "test-z-provider"}), "kontalkd.toml",
                *services_);
  ASSERT_EQ(set.names(),
            (std::vector<std::string>{"test-bystander", "test-z-provider", "test-failing"}));
  try {
    set.startAll();
    FAIL() << "no error";
  } catch (const ModuleStartError& e) {
    EXPECT_STREQ(e.what(), "module test-failing failed to start: cannot open its file");
  }
  EXPECT_EQ(registrationsOf(extensions_, "test-failing"), 0u);
  EXPECT_EQ(moduleLog(), (std::vector<std::string>{"start test-bystander", "start test-z-provider",
                                                   "start test-failing"}));
  set.stopAll();
  EXPECT_EQ(moduleLog(), (std::vector<std::string>{"start test-bystander", "start test-z-provider",
                                                   "start test-failing", "stop test-z-provider",
                                                   "stop test-bystander"}));
  for (const char* name : {"test-bystander", "test-z-provider", "test-failing"}) {
    EXPECT_EQ(registrationsOf(extensions_, name), 0u) << name;
  }
  EXPECT_TRUE(extensions_.iq.empty());
  EXPECT_TRUE(extensions_.services.empty());
  EXPECT_TRUE(extensions_.serviceAddresses.empty());
  EXPECT_EQ(extensions_.journal, nullptr);
  EXPECT_TRUE(runFromClientHooks().empty());
  EXPECT_TRUE(set.periodicTasks().empty());
  // Stopping again (the server's shutdown path) stops nothing twice.
  moduleLog().clear();
  set.stopAll();
  EXPECT_TRUE(moduleLog().empty());
}

// A server whose start-up fails after its modules started (a listener cannot bind) destroys the
// set without stopAll(): the started modules stop all the same, in reverse order, with their
// registrations undone, as at shutdown (the offline module's journal flushes and joins its
// writer thread in stop()).
TEST_F(ModuleSetTest, DestroyingAStartedSetStopsItsModulesInReverse) {
  started({"test-a-user", "test-z-provider", "test-everything"}).reset();
  EXPECT_EQ(moduleLog(),
            (std::vector<std::string>{"start test-z-provider", "start test-a-user, greeting hello",
                                      "start test-everything", "stop test-everything",
                                      "stop test-a-user", "stop test-z-provider"}));
  for (const char* name : {"test-a-user", "test-z-provider", "test-everything"}) {
    EXPECT_EQ(registrationsOf(extensions_, name), 0u) << name;
  }
  EXPECT_EQ(extensions_.journal, nullptr);
}

// A set already stopped (the server's shutdown) stops nothing again when destroyed.
TEST_F(ModuleSetTest, DestroyingAStoppedSetStopsNothingTwice) {
  auto set = started({"test-bystander"});
  set->stopAll();
  moduleLog().clear();
  set.reset();
  EXPECT_TRUE(moduleLog().empty());
}

// api/module_host.hpp: registration only in Module::start().
TEST_F(ModuleSetTest, RegistrationOutsideStartThrows) {
  auto set = started({"test-late"});
  ASSERT_NE(lateHost, nullptr);
  EXPECT_THROW(lateHost->onIq(IqScope::Server, "urn:test:late", api::IqType::Get, handled),
               std::logic_error);
  EXPECT_THROW(lateHost->onStanza(StanzaHook::ToSession, 1, logging("late")), std::logic_error);
  EXPECT_THROW(lateHost->onSession(api::SessionEvent::Bound, [](const api::Session&) {}),
               std::logic_error);
  EXPECT_THROW(lateHost->advertiseDiscoFeature(IqScope::Server, "urn:test:late"), std::logic_error);
  EXPECT_THROW(lateHost->onInterval(std::chrono::seconds(1), [] {}), std::logic_error);
  Greeting greeting;
  EXPECT_THROW(lateHost->provide<Greeting>(greeting), std::logic_error);
  EXPECT_EQ(registrationsOf(extensions_, "test-late"), 0u);
  EXPECT_TRUE(set->periodicTasks().empty());
}

// api/module_host.hpp: blocking work runs on a worker; routing asked for from a worker is
// posted to a shard, where the router and the hooks run.
TEST_F(ModuleSetTest, SendFromAWorkerIsRoutedOnAShard) {
  struct Recipient final : router::LocalSession {
    Recipient() : LocalSession(*xmpp::Jid::parse("alice@example.org/phone"), {}) {}
    void deliver(xml::Element stanza, api::JournalId) override {
      delivered.set_value(
          {stanza.childText("body", ns::kClient), core::ShardPool::onShardThread()});
    }
    void terminate(xmpp::StreamError) override {}
    std::promise<std::pair<std::string, bool>> delivered;
  };
  auto recipient = std::make_shared<Recipient>();
  recipient->setPresence(true, 0);
  sessions_.bind(recipient);
  auto set = started({"test-late"});
  shards_.start();

  std::promise<bool> workerRan;
  lateHost->runBlocking([&workerRan] {
    xml::Element message("message", ns::kClient);
    message.setAttribute("from", "example.org");
    message.setAttribute("to", "alice@example.org/phone");
    message.setAttribute("type", "chat");
    message.addChild("body", ns::kClient).addText("from a worker");
    lateHost->send(std::move(message));
    workerRan.set_value(core::ShardPool::onShardThread());
  });
  auto ran = workerRan.get_future();
  ASSERT_EQ(ran.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(ran.get());  // a worker is no shard
  auto delivered = recipient->delivered.get_future();
  ASSERT_EQ(delivered.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto [body, onShard] = delivered.get();
  EXPECT_EQ(body, "from a worker");
  EXPECT_TRUE(onShard);
  shards_.stop();
  shards_.join();
  set->stopAll();
}

// api/module_host.hpp sendIq: the router's bounce is the answer; an addressee that stays
// silent gets the host's remote-server-timeout at the deadline. Callbacks run on a shard, once.
TEST_F(ModuleSetTest, SendIqAnswersWithTheBounceOrAtTheDeadline) {
  struct Silent final : router::LocalSession {
    Silent() : LocalSession(*xmpp::Jid::parse("alice@example.org/phone"), {}) {}
    void deliver(xml::Element, api::JournalId) override {}
    void terminate(xmpp::StreamError) override {}
  };
  sessions_.bind(std::make_shared<Silent>());
  auto set = started({"test-late"});
  shards_.start();
  auto ask = [](const char* to, const char* id) {
    xml::Element iq("iq", ns::kClient);
    iq.setAttribute("type", "get");
    iq.setAttribute("id", id);
    iq.setAttribute("from", "probe@example.org");
    iq.setAttribute("to", to);
    iq.addChild("query", "urn:test:q");
    return iq;
  };
  std::promise<std::pair<std::string, bool>> bounced;
  std::promise<std::pair<std::string, bool>> timedOut;
  lateHost->runBlocking([&] {
    EXPECT_TRUE(lateHost->sendIq(ask("probe@b.test", "q1"), std::chrono::seconds(60),
                                 [&bounced](const xml::Element& response) {
                                   bounced.set_value({xmpp::testing::errorCondition(response),
                                                      core::ShardPool::onShardThread()});
                                 }));
    EXPECT_TRUE(lateHost->sendIq(ask("alice@example.org/phone", "q2"),
                                 std::chrono::milliseconds(50),
                                 [&timedOut](const xml::Element& response) {
                                   timedOut.set_value({xmpp::testing::errorCondition(response),
                                                       core::ShardPool::onShardThread()});
                                 }));
  });
  auto first = bounced.get_future();
  ASSERT_EQ(first.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(first.get(), (std::pair<std::string, bool>{"remote-server-not-found", true}));
  auto second = timedOut.get_future();
  ASSERT_EQ(second.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(second.get(), (std::pair<std::string, bool>{"remote-server-timeout", true}));
  EXPECT_EQ(router_.pendingIqs().size(), 0u);
  shards_.stop();
  shards_.join();
  set->stopAll();
}

// ---- [modules] errors --------------------------------------------------------------------------

TEST_F(ModuleSetTest, AnUnknownModuleIsAConfigErrorNamingIt) {
  const auto message = configError(enable({"test-everything", "test-nope"}));
  EXPECT_NE(message.find("kontalkd.toml:3: [modules] names the unknown module \"test-nope\""),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("test-everything"), std::string::npos) << message;  // the known ones
  EXPECT_TRUE(moduleLog().empty());
}

TEST_F(ModuleSetTest, LeavingOutARequiredModuleIsAConfigErrorNamingIt) {
  EXPECT_EQ(configError(enable({"test-a-user"})),
            "kontalkd.toml:3: [modules] enabled leaves out \"test-z-provider\", which module "
            "\"test-a-user\" requires");
}

TEST_F(ModuleSetTest, ATableOfAnUnknownModuleIsAConfigError) {
  auto settings = enable({"test-bystander"});
  settings.sections.emplace("test-nope", config::Value{config::Value::Table{}, 12});
  EXPECT_NE(configError(settings).find("kontalkd.toml:12: [modules.test-nope] names the unknown "
                                       "module \"test-nope\""),
            std::string::npos)
      << configError(settings);
}

// Every [modules.NAME] table is checked, also of a module that is not enabled.
TEST_F(ModuleSetTest, OptionsOfAModuleNotEnabledAreStillChecked) {
  auto settings = enable({"test-everything"});
  config::Value::Table options;
  options.emplace("verbose", config::Value{true, 8});
  settings.sections.emplace("test-bystander", config::Value{std::move(options), 7});
  EXPECT_EQ(configError(settings),
            "kontalkd.toml:8: [modules.test-bystander] verbose is not a known setting (this "
            "section has none)");
  EXPECT_THROW(checkModuleSettings(settings, "kontalkd.toml"), config::ConfigError);
}

// kontalkd --check-config: the same checks, nothing created or started.
TEST_F(ModuleSetTest, CheckModuleSettingsStartsNothing) {
  EXPECT_NO_THROW(checkModuleSettings(enable({"test-a-user", "test-z-provider"}), "k.toml"));
  EXPECT_THROW(checkModuleSettings(enable({"test-a-user"}), "k.toml"), config::ConfigError);
  EXPECT_TRUE(moduleLog().empty());
  EXPECT_TRUE(extensions_.iq.empty());
}

TEST_F(ModuleSetTest, TheReferenceListsEveryRegisteredModule) {
  std::vector<std::string> sections;
  for (const auto& section : moduleReference()) sections.push_back(section.name);
  for (const auto& descriptor : api::ModuleRegistry::instance().all()) {
    EXPECT_NE(std::find(sections.begin(), sections.end(), "modules." + descriptor.name),
              sections.end())
        << descriptor.name;
  }
}

}  // namespace
}  // namespace kontalk::app
