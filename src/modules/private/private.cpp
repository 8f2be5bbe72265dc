// Private XML storage (XEP-0049): each account keeps elements of its own namespaces on the
// server, one per (name, namespace), readable only by itself. Bookmarks (XEP-0048,
// storage:bookmarks) work through it. Bounded by [modules.private]: the size of one element and
// the total of an account's elements.
#include <cstddef>
#include <memory>
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
using api::IqRequest;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

struct PrivateSettings {
  std::size_t maxElementBytes = 64 * 1024;
  std::size_t maxBytesPerUser = 1024 * 1024;
};

const config::Section<PrivateSettings>& privateOptions() {
  static const config::Section<PrivateSettings> section(
      "modules.private", "Private XML storage (XEP-0049) and bookmarks through it (XEP-0048).",
      [](config::SectionBuilder<PrivateSettings>& option) {
        option.integer("max_element_bytes", &PrivateSettings::maxElementBytes, std::size_t{1},
                       std::size_t{16} << 20,
                       "a larger serialized element is refused with not-acceptable");
        option.integer("max_bytes_per_user", &PrivateSettings::maxBytesPerUser, std::size_t{1},
                       std::size_t{1} << 30,
                       "all of one account's elements together; a set beyond it is refused "
                       "with resource-constraint");
      });
  return section;
}

class PrivateModule final : public api::Module {
 public:
  explicit PrivateModule(const PrivateSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    work_ = std::make_unique<api::OrderedWork>(host);
    // XEP-0049 has no disco feature; clients just try it. Listed for the operator's eyes.
    host.advertiseDiscoFeature(api::IqScope::Account, ns::kPrivate);
    host.onIq(api::IqScope::Account, ns::kPrivate, api::IqType::Get,
              [this](const IqRequest& request) { return handle(request, false); });
    host.onIq(api::IqScope::Account, ns::kPrivate, api::IqType::Set,
              [this](const IqRequest& request) { return handle(request, true); });
  }

 private:
  HandlerResult handle(const IqRequest& request, bool set) {
    // XEP-0049 §3: an account's own storage only.
    if (request.to != request.from.bare()) {
      return refuse(request, StanzaErrorCondition::Forbidden,
                    "Private storage is only for its account.");
    }
    // §3: exactly one child, in a namespace of its own (jabber:* belong to the protocol).
    const auto children = request.payload.childElements();
    if (children.size() != 1) {
      return refuse(request, StanzaErrorCondition::NotAcceptable,
                    "The query needs exactly one child element.");
    }
    const xml::Element& element = *children.front();
    if (element.xmlns().empty() || element.xmlns().starts_with("jabber:")) {
      return refuse(request, StanzaErrorCondition::NotAcceptable,
                    "Elements of jabber:* namespaces cannot be stored.");
    }
    storage::PrivateKey key{element.name(), element.xmlns()};
    if (!set) {
      // Behind the account's pending sets (RFC 6120 §10.1: a get after a set sees it).
      work_->post(request.to.bareString(),
                  [this, kept = api::KeptIqRequest(request), key] { read(kept.request(), key); });
      return HandlerResult::Handled;
    }
    std::string serialized = xml::serialize(element);
    if (serialized.size() > settings_.maxElementBytes) {
      return refuse(request, StanzaErrorCondition::NotAcceptable,
                    "The element exceeds " + std::to_string(settings_.maxElementBytes) + " bytes.");
    }
    work_->post(request.to.bareString(),
                [this, kept = api::KeptIqRequest(request), key,
                 serialized = std::move(serialized)] { write(kept.request(), key, serialized); });
    return HandlerResult::Handled;
  }

  // On a worker. §3.2: what is stored, or the element as asked for (empty) when nothing is.
  void read(const IqRequest& request, const storage::PrivateKey& key) {
    auto stored = host_->storage().privateXml().find(request.to.local(), request.to.domain(), key);
    if (!stored) {
      return host_->replyFailure(request, stored.error(),
                                 "private storage of " + request.to.bareString());
    }
    xml::Element query("query", ns::kPrivate);
    std::optional<xml::Element> element;
    if (*stored) {
      element = xml::parseStoredElement(**stored);
      if (!element) {
        spdlog::error("private: a stored element of {} is not XML", request.to.bareString());
      }
    }
    query.addChild(element ? std::move(*element) : xml::Element(key.name, key.xmlns));
    host_->replyResult(request, std::move(query));
  }

  // On a worker. §3.1: stores the element, replacing the one of its name and namespace.
  void write(const IqRequest& request, const storage::PrivateKey& key,
             const std::string& serialized) {
    auto saved = host_->storage().privateXml().save(request.to.local(), request.to.domain(), key,
                                                    serialized, settings_.maxBytesPerUser);
    if (!saved && saved.error().code == StatusCode::Overloaded) {
      spdlog::info("private: {} is over its {} bytes of private storage", request.to.bareString(),
                   settings_.maxBytesPerUser);
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::ResourceConstraint,
                                                 "Private storage is limited to " +
                                                     std::to_string(settings_.maxBytesPerUser) +
                                                     " bytes per account."));
      return;
    }
    if (!saved) {
      return host_->replyFailure(request, saved.error(),
                                 "private storage of " + request.to.bareString());
    }
    host_->replyResult(request);
  }

  HandlerResult refuse(const IqRequest& request, StanzaErrorCondition condition, std::string text) {
    spdlog::info("private: refused a request of {}: {}", request.from.toString(), text);
    host_->replyError(request, StanzaError::of(condition, std::move(text)));
    return HandlerResult::Handled;
  }

  const PrivateSettings settings_;
  api::ModuleHost* host_ = nullptr;
  std::unique_ptr<api::OrderedWork> work_;  // by account: sets and gets in the order sent
};

const api::ModuleRegistration kRegistration(api::describeModule<PrivateModule>(
    "private", "Private XML storage (XEP-0049) and bookmarks through it (XEP-0048)", {},
    privateOptions()));

}  // namespace
}  // namespace kontalk::modules
