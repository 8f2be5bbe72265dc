#pragma once
// Everything modules registered with the server (ARCHITECTURE.md §4), in one place: filled by
// the module host during start-up on the main thread, read-only afterwards, so that the router
// and the streams read it from any shard without locks.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/module.hpp"
#include "router/iq_handler_table.hpp"

namespace kontalk::router {

struct ExtensionPoints {
  struct OrderedStanzaHandler {
    int order;
    api::StanzaHandler handler;
  };

  IqHandlerTable iq;
  std::map<std::pair<std::string, api::IqType>, api::PreAuthIqHandler> preAuthIq;
  std::map<api::StanzaHook, std::vector<OrderedStanzaHandler>> stanzaHooks;  // sorted by order
  std::vector<api::SessionHandler> sessionBound;
  std::vector<api::SessionHandler> sessionClosed;
  std::vector<api::SessionPreparation> sessionPreparations;
  std::vector<api::KeyChangeHandler> keyChanges;
  std::map<std::pair<std::string, std::string>, api::StreamElementHandler> streamElements;
  std::map<api::FeatureStage, std::vector<xml::Element>> streamFeatures;
  api::DeliveryJournal* journal = nullptr;  // provided by a module (offline), else none

  // Runs the handlers of `hook` in order; Handled when one of them consumed the stanza.
  api::HandlerResult run(api::StanzaHook hook, api::StanzaEvent& event) const;
};

}  // namespace kontalk::router
