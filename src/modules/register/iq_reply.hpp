#pragma once
// The answer to one registration IQ, usable after the handler returned (from a worker): it keeps
// a copy of the request and how to send on its stream or through the router. Copyable.

#include <functional>
#include <optional>
#include <string>

#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::registration {

class IqReply {
 public:
  // `from` is the address the answer comes from (the server's domain, spec §0: the Android
  // client rejects a phone-step reply without one).
  IqReply(xml::Element request, std::string from, std::function<void(xml::Element)> send)
      : request_(std::move(request)), from_(std::move(from)), send_(std::move(send)) {}

  void result(std::optional<xml::Element> payload) const;
  void error(const xmpp::StanzaError& error) const;

 private:
  xml::Element request_;
  std::string from_;
  std::function<void(xml::Element)> send_;
};

}  // namespace kontalk::modules::registration
