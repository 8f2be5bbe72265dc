#pragma once
// The answer to one registration IQ, usable after the handler returned: it keeps a copy of the
// request and answers through the host (on the client's stream before authentication, routed
// after it; always from the server's domain, spec §0: the Android client rejects a phone-step
// reply without one). Copyable.
// Threading: made on the handler's shard; a copy may answer from any thread, usually a worker
// (the host's reply methods are thread-safe).

#include <optional>
#include <string_view>

#include "api/iq.hpp"
#include "api/module_host.hpp"
#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::registration {

class IqReply {
 public:
  IqReply(api::ModuleHost& host, const api::IqRequest& request) : host_(&host), request_(request) {}

  void result(std::optional<xml::Element> payload) const {
    host_->replyResult(request_.request(), std::move(payload));
  }
  void error(const xmpp::StanzaError& error) const { host_->replyError(request_.request(), error); }
  // The server failed `what` (storage, a provider): logged, answered `wait` when transient.
  void failure(const Status& status, std::string_view what) const {
    host_->replyFailure(request_.request(), status, what);
  }

 private:
  api::ModuleHost* host_;
  api::KeptIqRequest request_;
};

}  // namespace kontalk::modules::registration
