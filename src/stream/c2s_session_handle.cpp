#include "stream/c2s_session_handle.hpp"

#include <spdlog/spdlog.h>

#include "stream/c2s_stream.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {

C2sSessionHandle::C2sSessionHandle(xmpp::Jid jid, api::ClientInfo client, C2sServices& services,
                                   asio::io_context& shard)
    : LocalSession(std::move(jid), std::move(client)), services_(services), shard_(shard) {}

void C2sSessionHandle::deliver(xml::Element stanza) {
  // On the session's own shard the stanza is taken at once (keeping the order of everything one
  // shard sends); from other shards it is posted.
  if (shard_.get_executor().running_in_this_thread()) {
    receive(std::move(stanza));
    return;
  }
  asio::post(shard_, [self = shared_from_this(), stanza = std::move(stanza)]() mutable {
    self->receive(std::move(stanza));
  });
}

void C2sSessionHandle::terminate(xmpp::StreamError error) {
  asio::post(shard_, [self = shared_from_this(), error = std::move(error)] {
    if (auto stream = self->stream_.lock()) {
      stream->close(error);
    } else if (self->detached_) {
      self->end();  // replaced while waiting for resumption: nothing to resume any more
    }
  });
}

void C2sSessionHandle::receive(xml::Element stanza) {
  if (movedOut_) {
    if (successor_) {
      successor_->deliver(std::move(stanza));
    } else {
      awaitingSuccessor_.push_back(std::move(stanza));
    }
    return;
  }
  if (ended_) {
    reroute(std::move(stanza));
    return;
  }
  if (auto stream = stream_.lock()) {
    stream->sendStanza(stanza);
    return;
  }
  if (detached_ && streamManagement_.enabled()) {
    // Kept for the resumption, which retransmits everything unacknowledged.
    streamManagement_.recordOutbound(std::move(stanza));
    if (streamManagement_.unacknowledged().size() > services_.config.c2s.maxUnacknowledged) {
      spdlog::info("c2s: detached session {} queued too much; ending it", jid().toString());
      end();
    }
    return;
  }
  reroute(std::move(stanza));
}

void C2sSessionHandle::attach(std::weak_ptr<C2sStream> stream) {
  stream_ = std::move(stream);
  detached_ = false;
  ++detachGeneration_;
}

void C2sSessionHandle::detach(std::chrono::seconds timeout) {
  stream_.reset();
  detached_ = true;
  const unsigned generation = ++detachGeneration_;
  spdlog::debug("c2s: session {} detached; resumable for {} s", jid().toString(), timeout.count());
  // The timer lives in the coroutine frame (see StreamRegistry::sweep for why).
  asio::co_spawn(
      shard_,
      [self = shared_from_this(), generation, timeout]() -> Awaitable<void> {
        asio::steady_timer timer(self->shard_, timeout);
        boost::system::error_code error;
        co_await timer.async_wait(asio::redirect_error(use_awaitable, error));
        if (!error && self->detached_ && self->detachGeneration_ == generation) {
          spdlog::info("c2s: resumption of {} timed out", self->jid().toString());
          self->end();
        }
      },
      asio::detached);
}

void C2sSessionHandle::end() {
  if (ended_ || movedOut_) return;
  ended_ = true;
  detached_ = false;
  stream_.reset();
  if (!resumptionId_.empty()) services_.resumptions.remove(resumptionId_, *this);
  auto self = shared_from_this();
  services_.router.handleSessionClosed(self);
  // Leaving the directory first matters: rerouted messages must not come back here.
  for (auto& stanza : streamManagement_.takeUnacknowledged()) reroute(std::move(stanza));
}

std::optional<StreamManagement> C2sSessionHandle::takeOver() {
  if (ended_ || movedOut_) return std::nullopt;
  if (auto stream = stream_.lock()) stream->abandon();
  stream_.reset();
  detached_ = false;
  movedOut_ = true;
  return std::move(streamManagement_);
}

void C2sSessionHandle::forwardTo(std::shared_ptr<C2sSessionHandle> successor) {
  successor_ = std::move(successor);
  while (!awaitingSuccessor_.empty()) {
    successor_->deliver(std::move(awaitingSuccessor_.front()));
    awaitingSuccessor_.pop_front();
  }
}

void C2sSessionHandle::reroute(xml::Element stanza) {
  const std::string_view type = stanza.attribute("type");
  if (stanza.name() == "message" && (type.empty() || type == "chat" || type == "normal")) {
    stanza.setAttribute("to", jid().bareString());
    services_.router.route(std::move(stanza));
  } else if (stanza.name() == "iq" && (type == "get" || type == "set")) {
    auto reply = xmpp::makeErrorReply(
        stanza, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ServiceUnavailable));
    services_.router.route(std::move(reply));
  } else {
    spdlog::debug("c2s: dropping <{}/> for ended session {}", stanza.name(), jid().toString());
  }
}

}  // namespace kontalk::stream
