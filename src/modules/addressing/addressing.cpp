#include "modules/addressing/addressing.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

#include "modules/addressing/multicast.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;

// The localpart Kontalk clients address group messages to (protocol spec §0).
constexpr std::string_view kMulticastLocalpart = "multicast";
constexpr int kHookOrder = 200;

std::size_t parseMaxAddresses(const std::string& text) {
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    throw std::runtime_error(
        "[modules.addressing] max_addresses must be a positive integer, not '" + text + "'");
  }
  return value;
}

class AddressingModule final : public api::Module {
 public:
  std::string_view name() const override { return "addressing"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    // XEP-0033 §8 suggests a limit between 20 and 100, but Kontalk groups are larger and the
    // original server had none (spec §8.1): the default covers real groups, and each address
    // costs one routed copy of a stanza the limits already bound (see docs/configuration.md).
    maxAddresses_ = parseMaxAddresses(host.configString("addressing", "max_addresses", "500"));
    host.addDiscoFeature(api::IqScope::Server, ns::kAddress);
    // On the client's own stanzas, before routing: the router treats multicast@DOMAIN as an
    // account and drops messages to the domain (RFC 6120 §10.4), neither of which expands.
    host.hookStanza(api::StanzaHook::FromClient, kHookOrder,
                    [this](api::StanzaEvent& event) { return handleFromClient(event); });
  }

 private:
  bool isMulticastService(const xmpp::Jid& to) const {
    if (to.domain() != host_->domain() || !to.isBare()) return false;
    return to.isDomain() || to.local() == kMulticastLocalpart;
  }

  HandlerResult handleFromClient(api::StanzaEvent& event) {
    const xml::Element& stanza = event.stanza;
    if (stanza.name() != "message" || stanza.attribute("type") == "error") {
      return HandlerResult::Continue;
    }
    if (!isMulticastService(event.to)) return HandlerResult::Continue;
    if (stanza.child("addresses", ns::kAddress) == nullptr) {
      // A plain message to the server is the router's business; multicast@ is no account.
      if (event.to.isDomain()) return HandlerResult::Continue;
      host_->send(xmpp::makeErrorReply(
          stanza, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::BadRequest,
                                        "The multicast service needs <addresses/>.")));
      return HandlerResult::Handled;
    }
    auto copies = addressing::expandMulticast(stanza, maxAddresses_);
    if (!copies) {
      host_->send(xmpp::makeErrorReply(stanza, copies.error()));
      return HandlerResult::Handled;
    }
    // Each copy keeps the sender's 'from' and is routed like a message the sender addressed to
    // that recipient; remote recipients get the router's remote-server-not-found.
    for (auto& copy : *copies) host_->send(std::move(copy.stanza));
    return HandlerResult::Handled;
  }

  api::ModuleHost* host_ = nullptr;
  std::size_t maxAddresses_ = 0;
};

}  // namespace

std::unique_ptr<api::Module> makeAddressingModule() {
  return std::make_unique<AddressingModule>();
}

}  // namespace kontalk::modules
