#include "stream/c2s_session_handle.hpp"

#include <spdlog/spdlog.h>

#include "core/spawn.hpp"
#include "stream/c2s_stream.hpp"
#include "xml/serializer.hpp"
#include "xmpp/message_type.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {

C2sSessionHandle::C2sSessionHandle(xmpp::Jid jid, api::ClientInfo client, C2sServices& services,
                                   asio::io_context& shard)
    : LocalSession(std::move(jid), std::move(client)), services_(services), shard_(&shard) {}

void C2sSessionHandle::deliver(xml::Element stanza, api::JournalId journalId) {
  // On the session's own shard the stanza is taken at once (keeping the order of everything one
  // shard sends); from other shards it is posted.
  if (isOnItsShard()) {
    receive(std::move(stanza), journalId);
    return;
  }
  asio::post(shard(), [self = shared_from_this(), stanza = std::move(stanza), journalId]() mutable {
    self->receive(std::move(stanza), journalId);
  });
}

void C2sSessionHandle::terminate(xmpp::StreamError error) {
  asio::post(shard(), [self = shared_from_this(), error = std::move(error)]() mutable {
    if (!self->isOnItsShard()) {
      self->terminate(std::move(error));  // moved meanwhile: follow it
    } else if (auto stream = self->stream_.lock()) {
      stream->close(error);
    } else if (self->detached_) {
      self->end();  // replaced while waiting for resumption: nothing to resume any more
    }
  });
}

void C2sSessionHandle::receive(xml::Element stanza, api::JournalId journalId) {
  if (!isOnItsShard()) {
    deliver(std::move(stanza), journalId);  // posted before a move to another shard: follow it
    return;
  }
  if (ended_) {
    reroute(std::move(stanza), journalId);
    return;
  }
  if (auto stream = stream_.lock()) {
    stream->sendStanza(stanza, journalId);
    return;
  }
  if (detached_ && streamManagement_.enabled()) {
    // Kept for the resumption, which retransmits everything unacknowledged. Counted in the bytes
    // it will take on the wire, so that [limits] max_unacknowledged_bytes bounds what a vanished
    // client makes the server keep, as it does for a connected one.
    std::string serialized;
    xml::serializeTo(serialized, stanza, ns::kClient);
    streamManagement_.recordOutbound(std::move(stanza), journalId, serialized.size());
    if (streamManagement_.unacknowledged().size() > services_.c2s.maxUnacknowledged ||
        streamManagement_.unacknowledgedBytes() > services_.limits.maxUnacknowledgedBytes) {
      spdlog::info("c2s: detached session {} queued too much; ending it", jid().toString());
      end();
    }
    return;
  }
  reroute(std::move(stanza), journalId);
}

void C2sSessionHandle::attach(std::weak_ptr<C2sStream> stream) {
  if (const auto attached = stream.lock()) {
    transport_.store(attached->transportKind(), std::memory_order_relaxed);
  }
  stream_ = std::move(stream);
  detached_ = false;
  setDetached(false);
  noteActivity(std::chrono::steady_clock::now());
  ++detachGeneration_;
}

void C2sSessionHandle::detach(std::chrono::seconds timeout) {
  stream_.reset();
  detached_ = true;
  setDetached(true);
  const unsigned generation = ++detachGeneration_;
  spdlog::debug("c2s: session {} detached; resumable for {} s", jid().toString(), timeout.count());
  // The timer lives in the coroutine frame, on this shard; resumption and end cancel it so that
  // no wait outlives the session's need for it.
  asio::io_context& shard = this->shard();
  core::spawnLogged(shard, awaitResumption(shared_from_this(), generation, timeout, &shard),
                    "resumption timeout of " + jid().toString());
}

Awaitable<void> C2sSessionHandle::awaitResumption(std::shared_ptr<C2sSessionHandle> self,
                                                  unsigned generation, std::chrono::seconds timeout,
                                                  asio::io_context* shard) {
  // A resumption may have claimed the session before this wait began (it was posted to the
  // shard before the detach that spawned this): then there is nothing to wait for, and if the
  // claim moved the session, its state belongs to another shard's thread now.
  if (!self->isOnItsShard() || self->detachGeneration_ != generation) co_return;
  asio::steady_timer timer(*shard, timeout);
  self->resumptionTimer_ = &timer;
  boost::system::error_code error;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, error));
  // A claim that moved the session stopped this wait first, on this shard.
  if (!self->isOnItsShard()) co_return;
  if (self->resumptionTimer_ == &timer) self->resumptionTimer_ = nullptr;
  if (!error && self->detached_ && self->detachGeneration_ == generation) {
    spdlog::info("c2s: resumption of {} timed out", self->jid().toString());
    self->end();
  }
}

void C2sSessionHandle::stopResumptionTimer() {
  if (resumptionTimer_ == nullptr) return;
  resumptionTimer_->cancel();
  resumptionTimer_ = nullptr;
}

void C2sSessionHandle::end() {
  if (ended_) return;
  ended_ = true;
  stopResumptionTimer();
  detached_ = false;
  setDetached(false);
  stream_.reset();
  if (!resumptionId_.empty()) services_.resumptions.remove(resumptionId_, *this);
  services_.router.handleSessionClosed(shared_from_this());
  // Leaving the directory first matters: rerouted messages must not come back here.
  for (auto& outbound : streamManagement_.takeUnacknowledged()) {
    reroute(std::move(outbound.stanza), outbound.journalId);
  }
}

void C2sSessionHandle::endOnItsShard(std::function<void()> done) {
  asio::post(shard(), [self = shared_from_this(), done = std::move(done)]() mutable {
    if (!self->isOnItsShard()) {
      self->endOnItsShard(std::move(done));  // moved meanwhile: follow it
      return;
    }
    self->end();
    done();
  });
}

std::uint64_t C2sSessionHandle::claimForResumption(asio::io_context& shard) {
  if (!isOnItsShard()) {
    throw std::logic_error("a session was claimed away from its shard");
  }
  if (ended_) return 0;
  stopResumptionTimer();  // on this shard, where the timer lives
  if (auto stream = stream_.lock()) stream->abandon();
  // Detached until the claimant attaches: what arrives meanwhile is queued for it.
  stream_.reset();
  detached_ = true;
  setDetached(true);
  ++detachGeneration_;
  const std::uint64_t claim = claim_.load(std::memory_order_relaxed) + 1;
  claim_.store(claim, std::memory_order_release);
  shard_.store(&shard, std::memory_order_release);
  return claim;
}

bool C2sSessionHandle::holdsClaim(std::uint64_t claim) const {
  // Once the session lives on the caller's shard, only this thread can claim or move it.
  return isOnItsShard() && claim_.load(std::memory_order_acquire) == claim && !ended_;
}

Awaitable<std::uint64_t> C2sSessionHandle::claimOnItsShard(
    std::shared_ptr<C2sSessionHandle> session, asio::io_context* here) {
  if (!session->isOnItsShard()) co_return kMoved;  // it moved while this was on its way
  co_return session->claimForResumption(*here);
}

Awaitable<std::uint64_t> C2sSessionHandle::claim(std::shared_ptr<C2sSessionHandle> session,
                                                 asio::io_context* here) {
  // A session moves only when claimed, so following it terminates unless resumptions keep
  // racing for it; then this one gives up (the client sees item-not-found and logs in again).
  constexpr int kMaxFollows = 8;
  for (int attempt = 0; attempt < kMaxFollows; ++attempt) {
    const std::uint64_t claimed =
        co_await asio::co_spawn(session->shard(), claimOnItsShard(session, here), use_awaitable);
    if (claimed != kMoved) co_return claimed;
  }
  co_return 0;
}

void C2sSessionHandle::reroute(xml::Element stanza, api::JournalId journalId) {
  const std::string_view type = stanza.attribute("type");
  if (stanza.name() == "message" && xmpp::isNormalOrChat(type)) {
    stanza.setAttribute("to", jid().bareString());
    services_.router.route(std::move(stanza), journalId);
  } else if (stanza.name() == "iq" && (type == "get" || type == "set")) {
    auto reply = xmpp::makeErrorReply(
        stanza, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ServiceUnavailable));
    services_.router.route(std::move(reply));
  } else {
    spdlog::debug("c2s: dropping <{}/> for ended session {}", stanza.name(), jid().toString());
  }
}

}  // namespace kontalk::stream
