#include "api/fake_module_host.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

#include "api/module_descriptor.hpp"
#include "app/server/account_directory.hpp"
#include "config/document.hpp"
#include "pgp/test_keys.hpp"
#include "storage/backends/open_storage.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::api::testing {
namespace {

xmpp::Jid jidOf(std::string_view text) {
  auto jid = xmpp::Jid::parse(text);
  if (!jid) throw std::invalid_argument("not a JID: " + std::string(text));
  return *jid;
}

// An address attribute as the router reads it: absent is the empty JID.
xmpp::Jid addressOf(const xml::Element& stanza, std::string_view attribute) {
  return stanza.hasAttribute(attribute) ? jidOf(stanza.attribute(attribute)) : xmpp::Jid{};
}

}  // namespace

FakeSession::FakeSession(std::string_view fullJid, bool available, int priority)
    : jid_(jidOf(fullJid)), available_(available), priority_(priority) {
  client_.remoteAddress = "192.0.2.1:40000";
}

std::filesystem::path writeTestServerKey(const std::filesystem::path& directory,
                                         const std::string& domain) {
  const auto key = pgp::testing::makeUserKey("Kontalk server <" + domain + ">",
                                             pgp::testing::TestKeyOptions{1024});
  std::filesystem::create_directories(directory);
  const auto file = directory / "server-key.sec";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << key.secretBinary;
  }
  // pgp::ServerKey::load refuses a secret key file others may read.
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return file;
}

FakeModuleHost::FakeModuleHost(std::string domain, std::string moduleName)
    : domain_(std::move(domain)), moduleName_(std::move(moduleName)) {}

FakeModuleHost::~FakeModuleHost() = default;

std::unique_ptr<Module> FakeModuleHost::create(const std::string& name, const std::string& toml) {
  const auto* descriptor = ModuleRegistry::instance().find(name);
  if (descriptor == nullptr) {
    throw std::logic_error("module " + name + " is not registered: link its object library");
  }
  if (toml.empty()) return descriptor->create(nullptr, "test.toml");
  const auto document = config::parseDocument("[modules." + name + "]\n" + toml, "test.toml");
  const auto& section = document.root.table()->at("modules").table()->at(name);
  return descriptor->create(&section, document.file);
}

xml::Element FakeModuleHost::iq(std::string_view type, std::string_view from, std::string_view to,
                                xml::Element payload, std::string_view id) {
  xml::Element stanza("iq", "jabber:client");
  stanza.setAttribute("type", std::string(type));
  stanza.setAttribute("id", std::string(id));
  if (!from.empty()) stanza.setAttribute("from", std::string(from));
  if (!to.empty()) stanza.setAttribute("to", std::string(to));
  stanza.addChild(std::move(payload));
  return stanza;
}

void FakeModuleHost::start(Module& module) {
  module.start(*this);
  registering_ = false;
}

// ---- playing the router ------------------------------------------------------------------------

std::optional<HandlerResult> FakeModuleHost::deliverIq(IqScope scope, const xml::Element& stanza) {
  // A copy that dies with this call, like the stanza the router hands a handler.
  auto copy = std::make_unique<xml::Element>(stanza);
  const auto payloads = copy->childElements();
  const std::string_view typeName = copy->attribute("type");
  if (payloads.size() != 1 || (typeName != "get" && typeName != "set")) {
    throw std::logic_error("the router hands handlers only get/set IQs with one payload");
  }
  const IqType type = typeName == "get" ? IqType::Get : IqType::Set;
  const auto handler = iq_.find(IqKey{scope, payloads.front()->xmlns(), type});
  if (handler == iq_.end()) return std::nullopt;

  const xmpp::Jid domainJid = jidOf(domain_);
  xmpp::Jid from;
  xmpp::Jid to = domainJid;
  std::unique_ptr<ClientInfo> client;
  StreamReply reply;
  if (scope == IqScope::Unauthenticated) {
    client = std::make_unique<ClientInfo>(ClientInfo{"192.0.2.1:40000", ""});
    reply = [replies = streamReplies_](xml::Element answer) {
      replies->push_back(std::move(answer));
    };
  } else {
    from = jidOf(copy->attribute("from"));
    if (scope == IqScope::Account) {
      to = copy->hasAttribute("to") ? jidOf(copy->attribute("to")) : from.bare();
    } else if (scope == IqScope::Service) {
      to = jidOf(copy->attribute("to"));
    }
  }
  return handler->second(IqRequest{*copy, *payloads.front(), from, to, client.get(), reply});
}

HandlerResult FakeModuleHost::runHooks(StanzaHook point, xml::Element& stanza,
                                       const Session* session, JournalId journalId,
                                       AcknowledgementSource acknowledgement) {
  const xmpp::Jid from = addressOf(stanza, "from");
  const xmpp::Jid to = addressOf(stanza, "to");
  StanzaEvent event{stanza, from, to, session, journalId, std::move(acknowledgement)};
  for (const auto& hook : hooks_[point]) {
    if (hook.handler(event) == HandlerResult::Handled) return HandlerResult::Handled;
  }
  return HandlerResult::Continue;
}

void FakeModuleHost::notify(SessionEvent event, const Session& session) {
  const bool wasOnWorker = onWorker_;
  onWorker_ = event == SessionEvent::Preparing;  // api/session.hpp: Preparing runs on a worker
  for (const auto& handler : sessionHandlers_[event]) handler(session);
  onWorker_ = wasOnWorker;
}

bool FakeModuleHost::deliverStreamElement(const Session& session, const xml::Element& element) {
  const auto handler = streamElements_.find({element.xmlns(), element.name()});
  if (handler == streamElements_.end()) return false;
  handler->second(session, element);
  return true;
}

void FakeModuleHost::runIntervals() {
  for (const auto& interval : intervals_) interval.task();
}

std::size_t FakeModuleHost::runPendingWork() {
  std::size_t ran = 0;
  while (!work_.empty()) {
    auto job = std::move(work_.front());
    work_.pop_front();
    onWorker_ = true;
    job();
    onWorker_ = false;
    ++ran;
  }
  return ran;
}

void FakeModuleHost::addSession(std::shared_ptr<const Session> session) {
  sessions_.push_back(std::move(session));
}

void FakeModuleHost::removeSession(const xmpp::Jid& fullJid) {
  std::erase_if(sessions_, [&](const auto& session) { return session->jid() == fullJid; });
}

// ---- what the module registered ---------------------------------------------------------------

std::vector<FakeModuleHost::IqKey> FakeModuleHost::iqHandlers() const {
  std::vector<IqKey> keys;
  for (const auto& [key, handler] : iq_) keys.push_back(key);
  return keys;
}

std::vector<int> FakeModuleHost::hookOrders(StanzaHook point) const {
  std::vector<int> orders;
  if (const auto found = hooks_.find(point); found != hooks_.end()) {
    for (const auto& hook : found->second) orders.push_back(hook.order);
  }
  return orders;
}

std::size_t FakeModuleHost::sessionHandlers(SessionEvent event) const {
  const auto found = sessionHandlers_.find(event);
  return found == sessionHandlers_.end() ? 0 : found->second.size();
}

std::vector<std::pair<std::string, std::string>> FakeModuleHost::streamElements() const {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [key, handler] : streamElements_) keys.push_back(key);
  return keys;
}

std::vector<xml::Element> FakeModuleHost::streamFeatures(FeatureStage stage) const {
  const auto found = features_.find(stage);
  return found == features_.end() ? std::vector<xml::Element>{} : found->second;
}

std::vector<xml::Element> FakeModuleHost::takeSent() {
  return std::exchange(sent_, {});
}

std::vector<FakeModuleHost::Recorded> FakeModuleHost::takeRecorded() {
  return std::exchange(recorded_, {});
}

// ---- test set-up -------------------------------------------------------------------------------

storage::Storage& FakeModuleHost::database() {
  if (!storage_) {
    storage::StorageSettings settings;
    settings.path = (directory_.path() / "kontalk.db").string();
    auto opened = storage::openStorage(settings);
    if (!opened) throw std::runtime_error("openStorage: " + opened.error().message);
    storage_ = std::move(*opened);
    auto migrated = storage_->migrate();
    if (!migrated) throw std::runtime_error("migrate: " + migrated.error().message);
    accounts_ = std::make_unique<app::StorageAccountDirectory>(*storage_);
  }
  return *storage_;
}

// ---- api::ModuleHost ---------------------------------------------------------------------------

void FakeModuleHost::checkRegistering(std::string_view what) const {
  if (!registering_) {
    throw std::logic_error("module " + moduleName_ + " registered " + std::string(what) +
                           " outside its start()");
  }
}

void FakeModuleHost::checkOnWorker(std::string_view what) const {
  if (!onWorker_) {
    throw std::logic_error("module " + moduleName_ + " used " + std::string(what) +
                           " outside runBlocking work (it blocks: never on a shard)");
  }
}

storage::Storage& FakeModuleHost::storage() {
  checkOnWorker("storage()");
  return database();
}

AccountDirectory& FakeModuleHost::accounts() {
  checkOnWorker("accounts()");
  database();
  return *accounts_;
}

const pgp::ServerKey& FakeModuleHost::serverKey() const {
  if (!serverKey_) {
    auto loaded = pgp::ServerKey::load(writeTestServerKey(directory_.path() / "pgp", domain_));
    if (!loaded) throw std::runtime_error("test server key: " + loaded.error().message);
    serverKey_ = std::make_unique<pgp::ServerKey>(std::move(*loaded));
  }
  return *serverKey_;
}

void FakeModuleHost::onIq(IqScope scope, std::string xmlns, IqType type, IqHandler handler) {
  checkRegistering("an IQ handler");
  if (!iq_.emplace(IqKey{scope, xmlns, type}, std::move(handler)).second) {
    throw std::logic_error("two IQ handlers for namespace " + xmlns);
  }
}

void FakeModuleHost::onStanza(StanzaHook point, int order, StanzaHandler handler) {
  checkRegistering("a stanza hook");
  auto& hooks = hooks_[point];
  const auto position =
      std::upper_bound(hooks.begin(), hooks.end(), order,
                       [](int value, const OrderedHook& hook) { return value < hook.order; });
  hooks.insert(position, OrderedHook{order, std::move(handler)});
}

void FakeModuleHost::onSession(SessionEvent event, SessionHandler handler) {
  checkRegistering("a session handler");
  sessionHandlers_[event].push_back(std::move(handler));
}

void FakeModuleHost::onStreamElement(std::string xmlns, std::string name,
                                     StreamElementHandler handler) {
  checkRegistering("a stream element handler");
  if (!streamElements_.emplace(std::make_pair(xmlns, name), std::move(handler)).second) {
    throw std::logic_error("two handlers for the stream element " + name);
  }
}

void FakeModuleHost::onKeyChange(KeyChangeHandler handler) {
  checkRegistering("a key change handler");
  keyChanges_.push_back(std::move(handler));
}

void FakeModuleHost::onInterval(std::chrono::seconds interval, std::function<void()> task) {
  checkRegistering("a periodic task");
  intervals_.push_back(Interval{interval, std::move(task)});
}

void FakeModuleHost::advertiseStreamFeature(FeatureStage stage, xml::Element feature) {
  checkRegistering("a stream feature");
  features_[stage].push_back(std::move(feature));
}

void FakeModuleHost::advertiseDiscoFeature(IqScope scope, std::string var) {
  checkRegistering("a disco feature");
  discoFeatures_[scope].push_back(std::move(var));
}

void FakeModuleHost::advertiseDiscoIdentity(IqScope scope, DiscoIdentity identity) {
  checkRegistering("a disco identity");
  discoIdentities_[scope].push_back(std::move(identity));
}

void FakeModuleHost::advertiseService(ServiceAddress service) {
  checkRegistering("a service address");
  serviceAddresses_.push_back(std::move(service));
}

void FakeModuleHost::provideService(std::type_index type, void* service) {
  checkRegistering("a service");
  if (!services_.emplace(type, service).second) {
    throw std::logic_error(std::string("two providers of ") + type.name());
  }
}

void* FakeModuleHost::findService(std::type_index type) const {
  const auto found = services_.find(type);
  return found == services_.end() ? nullptr : found->second;
}

bool FakeModuleHost::sendIq(xml::Element iq, std::chrono::milliseconds timeout,
                            IqResponseHandler onResponse) {
  for (const auto& waiting : waitingIqs_) {
    if (waiting.request.attribute("from") == iq.attribute("from") &&
        waiting.request.attribute("id") == iq.attribute("id")) {
      return false;
    }
  }
  iqTimeouts_.push_back(timeout);
  waitingIqs_.push_back(WaitingIq{iq, std::move(onResponse)});
  sent_.push_back(std::move(iq));
  return true;
}

bool FakeModuleHost::answerIq(const xml::Element& response) {
  const auto from = xmpp::Jid::parse(response.attribute("from"));
  const auto to = xmpp::Jid::parse(response.attribute("to"));
  if (!from || !to) return false;
  for (auto waiting = waitingIqs_.begin(); waiting != waitingIqs_.end(); ++waiting) {
    const auto requester = xmpp::Jid::parse(waiting->request.attribute("from"));
    const auto responder = xmpp::Jid::parse(waiting->request.attribute("to"));
    if (requester && responder && requester->bareString() == to->bareString() &&
        responder->bareString() == from->bareString() &&
        waiting->request.attribute("id") == response.attribute("id")) {
      auto onResponse = std::move(waiting->onResponse);
      waitingIqs_.erase(waiting);
      onResponse(response);
      return true;
    }
  }
  return false;
}

void FakeModuleHost::expireIqs() {
  auto expired = std::move(waitingIqs_);
  waitingIqs_.clear();
  for (auto& waiting : expired) {
    auto error = xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerTimeout);
    error.type = xmpp::StanzaErrorType::Wait;
    waiting.onResponse(xmpp::makeErrorReply(waiting.request, error));
  }
}

std::vector<xml::Element> FakeModuleHost::waitingIqs() const {
  std::vector<xml::Element> requests;
  for (const auto& waiting : waitingIqs_) requests.push_back(waiting.request);
  return requests;
}

void FakeModuleHost::send(xml::Element stanza) {
  sent_.push_back(std::move(stanza));
}

void FakeModuleHost::send(xml::Element stanza, AcknowledgementHold hold) {
  sentHolds_.push_back(std::move(hold));
  send(std::move(stanza));
}

void FakeModuleHost::sendRecorded(xml::Element message, JournalId id) {
  recorded_.push_back(Recorded{std::move(message), id});
}

void FakeModuleHost::deliverHeld(const xmpp::Jid& session, xml::Element stanza) {
  held_.push_back(Held{session, std::move(stanza)});
}

void FakeModuleHost::deliverToResources(xml::Element presence) {
  toResources_.push_back(std::move(presence));
}

void FakeModuleHost::announceKeyChange(const KeyChange& change) {
  announced_.push_back(change);
  for (const auto& handler : keyChanges_) handler(change);
}

std::vector<std::shared_ptr<const Session>> FakeModuleHost::sessionsOf(
    const xmpp::Jid& bareJid) const {
  std::vector<std::shared_ptr<const Session>> found;
  for (const auto& session : sessions_) {
    if (session->jid().bare() == bareJid.bare()) found.push_back(session);
  }
  return found;
}

std::vector<std::string> FakeModuleHost::discoFeatures(IqScope scope) const {
  std::set<std::string> unique;
  if (const auto found = discoFeatures_.find(scope); found != discoFeatures_.end()) {
    unique.insert(found->second.begin(), found->second.end());
  }
  return {unique.begin(), unique.end()};
}

std::vector<DiscoIdentity> FakeModuleHost::discoIdentities(IqScope scope) const {
  const auto found = discoIdentities_.find(scope);
  return found == discoIdentities_.end() ? std::vector<DiscoIdentity>{} : found->second;
}

void FakeModuleHost::runBlocking(std::function<void()> work, WorkKind kind) {
  work_.push_back(std::move(work));
  workKinds_.push_back(kind);
}

}  // namespace kontalk::api::testing
