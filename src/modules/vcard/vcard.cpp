#include <cstddef>
#include <string>

#include <spdlog/spdlog.h>

#include "api/module_descriptor.hpp"
#include "api/ordered_work.hpp"
#include "storage/storage.hpp"
#include "xml/serializer.hpp"
#include "xml/stored_element.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

struct VcardSettings {
  std::size_t maxBytes = 65536;
};

const config::Section<VcardSettings>& vcardOptions() {
  static const config::Section<VcardSettings> section(
      "modules.vcard", "vCards (XEP-0054), stored for each account.",
      [](config::SectionBuilder<VcardSettings>& option) {
        option.integer("max_bytes", &VcardSettings::maxBytes, std::size_t{1}, std::size_t{16} << 20,
                       "a larger serialized <vCard/> is refused with not-acceptable");
      });
  return section;
}

class VcardModule final : public api::Module {
 public:
  explicit VcardModule(const VcardSettings& settings) : maxBytes_(settings.maxBytes) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    saves_ = std::make_unique<api::OrderedWork>(host);
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kVcard);
    host.onIq(api::IqScope::Account, ns::kVcard, api::IqType::Get,
              [this](const api::IqRequest& request) { return handleGet(request); });
    host.onIq(api::IqScope::Account, ns::kVcard, api::IqType::Set,
              [this](const api::IqRequest& request) { return handleSet(request); });
  }

 private:
  // XEP-0054 §3.1: the server answers for the account; an account without a vCard has an empty
  // one. A JID with no account is service-unavailable (RFC 6121 §8.5.1).
  // A read of an account with sets still pending waits behind them (RFC 6120 §10.1: what a client
  // sent first is processed first, so its own get after a set sees the set).
  HandlerResult handleGet(const api::IqRequest& request) {
    auto read = [this, kept = api::KeptIqRequest(request)] {
      const auto job = kept.request();
      auto& storage = host_->storage();
      auto stored = storage.vcards().find(job.to.local(), job.to.domain());
      if (!stored)
        return host_->replyFailure(job, stored.error(), "vCard of " + job.to.bareString());
      if (*stored) {
        if (auto vcard = xml::parseStoredElement(**stored)) {
          host_->replyResult(job, std::move(*vcard));
          return;
        }
        spdlog::error("vcard: the stored vCard of {} is not XML", job.to.bareString());
      } else {
        auto account = host_->accounts().find(job.to);
        if (account && !*account) {
          host_->replyError(job, StanzaError::of(StanzaErrorCondition::ServiceUnavailable));
          return;
        }
      }
      host_->replyResult(job, xml::Element("vCard", ns::kVcard));
    };
    if (!saves_->postIfBusy(request.to.bareString(), read)) host_->runBlocking(std::move(read));
    return HandlerResult::Handled;
  }

  // XEP-0054 §2: a user publishes its own vCard only, within the configured size.
  HandlerResult handleSet(const api::IqRequest& request) {
    if (request.to != request.from.bare()) {
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden,
                                                 "You can only publish your own vCard."));
      return HandlerResult::Handled;
    }
    if (request.payload.name() != "vCard") {
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::BadRequest));
      return HandlerResult::Handled;
    }
    std::string serialized = xml::serialize(request.payload);
    if (serialized.size() > maxBytes_) {
      host_->replyError(
          request, StanzaError::of(StanzaErrorCondition::NotAcceptable,
                                   "The vCard exceeds " + std::to_string(maxBytes_) + " bytes."));
      return HandlerResult::Handled;
    }
    // One account's sets apply in the order it sent them.
    saves_->post(request.to.bareString(), [this, kept = api::KeptIqRequest(request),
                                           serialized = std::move(serialized)] {
      const auto job = kept.request();
      auto saved = host_->storage().vcards().save(job.to.local(), job.to.domain(), serialized);
      if (!saved) {
        return host_->replyFailure(job, saved.error(), "vCard of " + job.to.bareString());
      }
      host_->replyResult(job);
    });
    return HandlerResult::Handled;
  }

  api::ModuleHost* host_ = nullptr;
  const std::size_t maxBytes_;
  std::unique_ptr<api::OrderedWork> saves_;  // by account: sets, and the gets behind them
};

const api::ModuleRegistration kRegistration(api::describeModule<VcardModule>("vcard",
                                                                             "vCards (XEP-0054)",
                                                                             {}, vcardOptions()));

}  // namespace

}  // namespace kontalk::modules
