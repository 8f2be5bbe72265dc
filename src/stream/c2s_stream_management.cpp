// C2sStream's side of stream management (XEP-0198): <enable/>, <r/>, <a/> and <resume/>, and
// the delivery contract's hold on the server's acknowledgements (ARCHITECTURE.md §6).
#include <charconv>
#include <optional>

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "stream/c2s_metrics.hpp"
#include "stream/c2s_session_handle.hpp"
#include "stream/c2s_stream.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {
namespace {

using xmpp::StreamError;
using xmpp::StreamErrorCondition;
using Clock = std::chrono::steady_clock;

// Answers to <r/> that may wait for durability at once: a client asking faster than the
// journal commits is misbehaving.
constexpr std::size_t kMaxAcknowledgementsDue = 1000;
// How often a stream whose reads are held back for the journal looks whether it may read again
// or should end, besides being told.
constexpr auto kHeldBackRecheck = std::chrono::seconds(1);

// The 'h' attribute of <a/> and <resume/>: a 32-bit count (XEP-0198 §4); nothing when invalid.
std::optional<std::uint32_t> handledCount(const xml::Element& element) {
  std::uint32_t h = 0;
  const std::string_view text = element.attribute("h");
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), h);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return h;
}

}  // namespace

void C2sStream::sendStreamManagementFailure(std::string_view condition) {
  xml::Element failed("failed", ns::kStreamManagement);
  failed.addChild(std::string(condition), ns::kStanzaErrors);
  sendStanza(failed);
}

void C2sStream::requestAcknowledgement() {
  if (ackRequested_) return;
  ackRequested_ = true;
  ackRequestedAt_ = Clock::now();
  if (!transport_->isOpen()) return;
  framing_->appendSerialized(outbox_, "<r xmlns='urn:xmpp:sm:3'/>");
  kickWriter();
}

void C2sStream::handleStreamManagement(const xml::Element& element) {
  auto& streamManagement = session_->streamManagement();
  if (element.name() == "enable") {
    if (streamManagement.enabled()) {
      sendStreamManagementFailure("unexpected-request");
      return;
    }
    const bool resumable =
        element.attribute("resume") == "true" || element.attribute("resume") == "1";
    session_->enableStreamManagement(resumable);
    xml::Element enabled("enabled", ns::kStreamManagement);
    if (resumable) {
      session_->setResumptionId(base::randomAlphanumeric(24));
      services_.resumptions.add(session_->resumptionId(), session_);
      enabled.setAttribute("id", session_->resumptionId());
      enabled.setAttribute("resume", "true");
      enabled.setAttribute("max", std::to_string(services_.c2s.resumptionTimeout.count()));
    }
    sendStanza(enabled);
    return;
  }
  if (!streamManagement.enabled()) {
    sendStreamManagementFailure("unexpected-request");
    return;
  }
  if (element.name() == "r") {
    acknowledgeWhenDurable(streamManagement.inboundCount());
  } else if (element.name() == "a") {
    const auto h = handledCount(element);
    if (!h) {
      close(StreamError{StreamErrorCondition::BadFormat, "Invalid 'h' in <a/>."});
      return;
    }
    std::vector<api::JournalId> delivered;
    const std::uint32_t before = streamManagement.acknowledgedCount();
    if (!streamManagement.acknowledge(*h, delivered)) {
      // XEP-0198 §4: an h beyond what was sent is a broken client; stop before losing count.
      spdlog::info("c2s {}: {} acknowledged more than it was sent", id_,
                   session_->jid().toString());
      close(xmpp::handledCountTooHigh(
          *h, before + static_cast<std::uint32_t>(streamManagement.unacknowledged().size())));
      return;
    }
    settle(delivered);
    // Only progress answers the pending request: an <a/> that acknowledges nothing new leaves
    // its timer running (a client answering h='0' forever is as dead as a silent one).
    if (*h == before) return;
    ackRequested_ = false;
    if (!streamManagement.unacknowledged().empty()) requestAcknowledgement();
  }
}

void C2sStream::acknowledgeWhenDurable(std::uint32_t h) {
  if (acknowledgementsDue_.size() >= kMaxAcknowledgementsDue) {
    close(StreamError{StreamErrorCondition::PolicyViolation, "Too many unanswered <r/>."});
    return;
  }
  acknowledgementsDue_.push_back(h);
  if (services_.extensions.journal == nullptr && session_ == nullptr) {
    sendDueAcknowledgement();
    return;
  }
  // Each completion sends the oldest answer due: completions come in order of the calls, and
  // even out of order the oldest answer's wait is over when any later one's is.
  whenAcknowledgeable(session_.get(), [weak = weak_from_this(), shard = &registry_.shard()] {
    asio::post(*shard, [weak] {
      if (auto stream = weak.lock()) stream->sendDueAcknowledgement();
    });
  });
}

void C2sStream::whenAcknowledgeable(const router::LocalSession* session,
                                    std::function<void()> done) {
  // First the work modules still do for the session's stanzas (a subscription the roster
  // stores, then sends on), then the journal: what that work recorded is durable too.
  auto afterModules = [journal = services_.extensions.journal, done = std::move(done)]() mutable {
    if (journal == nullptr) {
      done();
    } else {
      journal->whenDurable(std::move(done));
    }
  };
  if (session == nullptr) {
    afterModules();
  } else {
    session->acknowledgementGate().whenOpen(std::move(afterModules));
  }
}

void C2sStream::sendDueAcknowledgement() {
  if (acknowledgementsDue_.empty()) return;
  xml::Element answer("a", ns::kStreamManagement);
  answer.setAttribute("h", std::to_string(acknowledgementsDue_.front()));
  acknowledgementsDue_.pop_front();
  sendStanza(answer);
}

Awaitable<void> C2sStream::untilAcknowledgeable(const router::LocalSession& session) {
  // A timer that never expires by itself serves as the event; the completion is posted, so it
  // cannot fire before the wait below has begun.
  auto done = std::make_shared<asio::steady_timer>(registry_.shard(),
                                                   asio::steady_timer::time_point::max());
  whenAcknowledgeable(&session, [done, shard = &registry_.shard()] {
    asio::post(*shard, [done] { done->cancel(); });
  });
  boost::system::error_code cancelled;
  co_await done->async_wait(asio::redirect_error(use_awaitable, cancelled));
}

Awaitable<void> C2sStream::untilJournalAccepts() {
  auto* journal = services_.extensions.journal;
  if (journal == nullptr || journal->isAccepting()) co_return;
  spdlog::debug("c2s {}: the delivery journal is full; not reading from {} meanwhile", id_,
                session_->jid().toString());
  readsHeldBack_ = true;
  auto ready = std::make_shared<asio::steady_timer>(registry_.shard());
  journal->whenAccepting(
      [ready, shard = &registry_.shard()] { asio::post(*shard, [ready] { ready->cancel(); }); });
  // The journal's call ends the wait at once; a stream closed meanwhile (shutdown, a session
  // replaced) and a call that came between two waits are noticed at the next look.
  while (!closing_ && !journal->isAccepting()) {
    ready->expires_after(kHeldBackRecheck);
    boost::system::error_code ignored;
    co_await ready->async_wait(asio::redirect_error(use_awaitable, ignored));
  }
  readsHeldBack_ = false;
  lastRead_ = Clock::now();
  if (ackRequested_) ackRequestedAt_ = lastRead_;
}

void C2sStream::settle(std::span<const api::JournalId> ids) {
  if (!ids.empty() && services_.extensions.journal != nullptr) {
    services_.extensions.journal->settle(ids);
  }
}

void C2sStream::releaseRecords(std::span<const api::JournalId> ids) {
  if (!ids.empty() && services_.extensions.journal != nullptr) {
    services_.extensions.journal->release(ids);
  }
}

Awaitable<void> C2sStream::handleResume(const xml::Element& resume) {
  auto session = services_.resumptions.find(std::string(resume.attribute("previd")));
  const auto h = handledCount(resume);
  // An id of someone else's session is "not found" too: never reveal that it exists.
  if (!session || session->jid().local() != *user_ || !h) {
    sendStreamManagementFailure("item-not-found");
    co_return;
  }
  // The session may live on another shard: it is claimed there and moves here. Another
  // resumption may claim it after this one (a phone retrying, XEP-0198 §5): the newest claim
  // wins, so this connection checks that it still holds its claim before each step.
  const std::uint64_t claim = co_await C2sSessionHandle::claim(session, &registry_.shard());
  if (claim == 0 || !session->holdsClaim(claim)) {
    sendStreamManagementFailure("item-not-found");
    co_return;
  }
  std::vector<api::JournalId> delivered;
  if (!session->streamManagement().acknowledge(*h, delivered)) {
    // XEP-0198 §4: the client claims more than it was sent; its session cannot be trusted.
    sendStreamManagementFailure("undefined-condition");
    session->end();
    co_return;
  }
  settle(delivered);
  // <resumed h/> acknowledges what the old connection sent: durable first. The session stays
  // detached meanwhile, queueing what arrives for it.
  co_await untilAcknowledgeable(*session);
  // Meanwhile the session may have ended (replaced by a new login of the same resource) or been
  // claimed by a newer resumption, possibly on another shard: then it is no longer this one's.
  if (!session->holdsClaim(claim)) {
    sendStreamManagementFailure("item-not-found");
    co_return;
  }
  session->attach(weak_from_this());
  session_ = std::move(session);
  sessionCounted_ = base::metrics::GaugeHold(c2sMetrics().sessions(transportKind()));
  spdlog::info("c2s {}: {} resumed its session", id_, session_->jid().toString());

  xml::Element resumed("resumed", ns::kStreamManagement);
  resumed.setAttribute("previd", session_->resumptionId());
  resumed.setAttribute("h", std::to_string(session_->streamManagement().inboundCount()));
  sendStanza(resumed);
  // XEP-0198 §5: everything the client did not acknowledge is sent again, in order.
  for (const auto& outbound : session_->streamManagement().unacknowledged()) {
    framing_->appendElement(outbox_, outbound.stanza);
  }
  if (!session_->streamManagement().unacknowledged().empty()) requestAcknowledgement();
  kickWriter();
}

}  // namespace kontalk::stream
