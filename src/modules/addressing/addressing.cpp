#include <cstddef>
#include <string>

#include "api/module_descriptor.hpp"

#include "modules/addressing/multicast.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;

// The localpart Kontalk clients address group messages to (protocol spec §0).
constexpr std::string_view kMulticastLocalpart = "multicast";
constexpr int kHookOrder = 200;

struct AddressingSettings {
  // XEP-0033 §8 suggests a limit between 20 and 100, but Kontalk groups are larger and the
  // original server had none (spec §8.1): the default covers real groups, and each address
  // costs one routed copy of a stanza the limits already bound.
  std::size_t maxAddresses = 500;
};

const config::Section<AddressingSettings>& addressingOptions() {
  static const config::Section<AddressingSettings> section(
      "modules.addressing",
      "Extended stanza addressing (XEP-0033) at the domain and at `multicast@DOMAIN`, where the "
      "Kontalk clients send group messages.",
      [](config::SectionBuilder<AddressingSettings>& option) {
        option.integer("max_addresses", &AddressingSettings::maxAddresses, std::size_t{1},
                       std::size_t{100'000},
                       "<address/> elements in one message; more are refused with "
                       "not-acceptable. XEP-0033 §8 suggests 20..100, but a Kontalk group "
                       "message carries one address per member and the original server had no "
                       "limit. The trade-off: one message costs up to this many routed copies, "
                       "so a sender can multiply its traffic by this factor within its inbound "
                       "rate limit");
      });
  return section;
}

class AddressingModule final : public api::Module {
 public:
  explicit AddressingModule(const AddressingSettings& settings)
      : maxAddresses_(settings.maxAddresses) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kAddress);
    // On the client's own stanzas, before routing: the router treats multicast@DOMAIN as an
    // account and drops messages to the domain (RFC 6120 §10.4), neither of which expands.
    host.onStanza(api::StanzaHook::FromClient, kHookOrder,
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
  const std::size_t maxAddresses_;
};

const api::ModuleRegistration kRegistration(api::describeModule<AddressingModule>(
    "addressing", "Extended stanza addressing (XEP-0033), multicast@DOMAIN", {},
    addressingOptions()));

}  // namespace

}  // namespace kontalk::modules
