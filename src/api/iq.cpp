#include "api/iq.hpp"

namespace kontalk::api {

KeptIqRequest::KeptIqRequest(const IqRequest& request)
    : stanza_(request.stanza), from_(request.from), to_(request.to), reply_(request.reply) {
  if (request.client != nullptr) client_ = *request.client;
}

IqRequest KeptIqRequest::request() const {
  // Every request reaching a handler has exactly one payload (RFC 6120 §8.2.3, checked by the
  // router and the c2s stream).
  return IqRequest{stanza_, *stanza_.childElements().front(), from_,
                   to_,     client_ ? &*client_ : nullptr,    reply_};
}

}  // namespace kontalk::api
