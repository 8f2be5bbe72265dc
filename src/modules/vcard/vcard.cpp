#include "modules/vcard/vcard.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

#include "modules/vcard/stored_vcard.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

std::size_t parseMaxBytes(const std::string& text) {
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    throw std::runtime_error("[modules.vcard] max_bytes must be a positive integer, not '" + text +
                             "'");
  }
  return value;
}

// An IQ request kept beyond its handler, for the reply after blocking work.
struct PendingRequest {
  xml::Element stanza;
  xmpp::Jid from;
  xmpp::Jid to;

  explicit PendingRequest(const api::IqRequest& request)
      : stanza(request.stanza), from(request.from), to(request.to) {}
  api::IqRequest request() const {
    return api::IqRequest{stanza, *stanza.childElements().front(), from, to};
  }
};

class VcardModule final : public api::Module {
 public:
  std::string_view name() const override { return "vcard"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    maxBytes_ = parseMaxBytes(host.configString("vcard", "max_bytes", "65536"));
    host.addDiscoFeature(api::IqScope::Server, ns::kVcard);
    host.handleIq(api::IqScope::Account, ns::kVcard, api::IqType::Get,
                  [this](const api::IqRequest& request) { return handleGet(request); });
    host.handleIq(api::IqScope::Account, ns::kVcard, api::IqType::Set,
                  [this](const api::IqRequest& request) { return handleSet(request); });
  }

 private:
  // XEP-0054 §3.1: the server answers for the account; an account without a vCard has an empty
  // one. A JID with no account is service-unavailable (RFC 6121 §8.5.1).
  HandlerResult handleGet(const api::IqRequest& request) {
    host_->runBlocking([this, pending = PendingRequest(request)] {
      const auto job = pending.request();
      auto& storage = host_->storage();
      auto stored = storage.vcards().find(job.to.local(), job.to.domain());
      if (!stored) {
        spdlog::error("vcard: reading {}: {}", job.to.bareString(), stored.error().message);
        host_->replyError(job, StanzaError::of(StanzaErrorCondition::InternalServerError));
        return;
      }
      if (*stored) {
        if (auto vcard = vcard::parseStoredVcard(**stored)) {
          host_->replyResult(job, std::move(*vcard));
          return;
        }
        spdlog::error("vcard: the stored vCard of {} is not XML", job.to.bareString());
      } else {
        auto account = storage.accounts().find(job.to.local(), job.to.domain());
        if (account && !*account) {
          host_->replyError(job, StanzaError::of(StanzaErrorCondition::ServiceUnavailable));
          return;
        }
      }
      host_->replyResult(job, xml::Element("vCard", ns::kVcard));
    });
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
    std::string serialized = vcard::serializeVcard(request.payload);
    if (serialized.size() > maxBytes_) {
      host_->replyError(
          request, StanzaError::of(StanzaErrorCondition::NotAcceptable,
                                   "The vCard exceeds " + std::to_string(maxBytes_) + " bytes."));
      return HandlerResult::Handled;
    }
    host_->runBlocking(
        [this, pending = PendingRequest(request), serialized = std::move(serialized)] {
          const auto job = pending.request();
          auto saved = host_->storage().vcards().save(job.to.local(), job.to.domain(), serialized);
          if (!saved) {
            spdlog::error("vcard: saving {}: {}", job.to.bareString(), saved.error().message);
            host_->replyError(job, StanzaError::of(StanzaErrorCondition::InternalServerError));
            return;
          }
          host_->replyResult(job);
        });
    return HandlerResult::Handled;
  }

  api::ModuleHost* host_ = nullptr;
  std::size_t maxBytes_ = 0;
};

}  // namespace

std::unique_ptr<api::Module> makeVcardModule() {
  return std::make_unique<VcardModule>();
}

}  // namespace kontalk::modules
