#include "s2s/link_connection.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "core/spawn.hpp"
#include "s2s/dialback_element.hpp"
#include "s2s/link_manager.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::s2s {
namespace {

using Clock = std::chrono::steady_clock;
using xmpp::StreamError;
using xmpp::StreamErrorCondition;

// How long a closing link may take to flush its last bytes to a peer that does not read.
constexpr auto kCloseGrace = std::chrono::seconds(5);

StreamErrorCondition toStreamCondition(xml::ParseError error) {
  switch (error) {
    case xml::ParseError::NotWellFormed:
      return StreamErrorCondition::NotWellFormed;
    case xml::ParseError::RestrictedXml:
      return StreamErrorCondition::RestrictedXml;
    case xml::ParseError::PolicyViolation:
      return StreamErrorCondition::PolicyViolation;
    case xml::ParseError::BadNamespacePrefix:
      return StreamErrorCondition::BadNamespacePrefix;
  }
  return StreamErrorCondition::NotWellFormed;
}

// One read buffer per shard, as for c2s: a link reads only once its socket is readable and
// hands the bytes to its parser at once.
std::span<char> shardReadBuffer() {
  thread_local std::array<char, 32 * 1024> buffer;
  return buffer;
}

}  // namespace

LinkConnection::LinkConnection(LinkManager& links, stream::StreamRegistry& registry,
                               std::string kind)
    : links_(links),
      registry_(registry),
      parser_(*this, links.limits().parser()),
      name_(kind + " " + base::randomAlphanumeric(8)),
      created_(Clock::now()),
      lastActivity_(created_),
      lastWrite_(created_),
      inboundBytes_(static_cast<double>(links.settings().bytesPerSecond),
                    static_cast<double>(links.settings().byteBurst), created_),
      inboundElements_(links.settings().stanzasPerSecond, links.settings().stanzaBurst, created_) {}

LinkConnection::~LinkConnection() = default;

void LinkConnection::attach(std::unique_ptr<net::Transport> transport) {
  transport_ = std::move(transport);
}

// ---- reading -------------------------------------------------------------------------------

Awaitable<void> LinkConnection::readLoop() {
  while (!closing_ && transport_ && transport_->isOpen()) {
    const auto result = co_await transport_->read(shardReadBuffer());
    if (result.status != net::TransportStatus::Ok) {
      if (!closing_) {
        spdlog::info(
            "{}: connection {}", name_,
            result.status == net::TransportStatus::Closed ? "closed by the peer" : "failed");
      }
      break;
    }
    parser_.feed(std::string_view(shardReadBuffer().data(), result.bytes));
    co_await processEvents();
    if (closing_) break;
    co_await throttle(result.bytes);
    co_await core::yieldToOthers();  // bounded work per wake-up, as for c2s
  }
  co_await flush();
}

Awaitable<void> LinkConnection::processEvents() {
  for (;;) {
    while (!events_.empty() && !closing_) {
      ParserEvent event = std::move(events_.front());
      events_.pop_front();
      if (auto* opened = std::get_if<StreamOpened>(&event)) {
        handleHeader(opened->header);
      } else if (auto* element = std::get_if<xml::Element>(&event)) {
        lastActivity_ = Clock::now();
        ++elementsSinceThrottle_;
        co_await handleElement(std::move(*element));
      } else if (std::holds_alternative<StreamClosed>(event)) {
        spdlog::info("{}: the peer closed the stream", name_);
        closing_ = true;
        closingSince_ = Clock::now();
        sendRaw("</stream:stream>");
      } else if (auto* failed = std::get_if<ParseFailed>(&event)) {
        spdlog::info("{}: closing: {}", name_, failed->detail);
        close(StreamError{toStreamCondition(failed->error), failed->detail});
      }
    }
    if (closing_) co_return;
    parser_.resume();
    if (events_.empty()) co_return;
  }
}

Awaitable<void> LinkConnection::throttle(std::size_t bytes) {
  // A peer server gets the allowances of [s2s] bytes_per_second and stanzas_per_second (a
  // client's [limits] would cap a whole server's users at one user's rate); beyond them the link
  // stops reading for a while and TCP pushes back: nothing is dropped (ARCHITECTURE.md §8).
  const auto now = Clock::now();
  const auto pause =
      std::max(inboundBytes_.take(static_cast<double>(bytes), now),
               inboundElements_.take(static_cast<double>(elementsSinceThrottle_), now));
  elementsSinceThrottle_ = 0;
  if (pause == Clock::duration::zero()) co_return;
  spdlog::debug("{}: inbound rate limit, pausing reads for {} ms", name_,
                std::chrono::duration_cast<std::chrono::milliseconds>(pause).count());
  asio::steady_timer timer(registry_.shard(), pause);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ignored));
}

void LinkConnection::handleStreamOpen(const xml::Element& header) {
  events_.emplace_back(StreamOpened{header});
}

void LinkConnection::handleStreamElement(xml::Element element) {
  // Any element may restart the stream (STARTTLS, SASL success): parse what follows only after
  // it was handled.
  parser_.pause();
  events_.emplace_back(std::move(element));
}

void LinkConnection::handleStreamClose() {
  events_.emplace_back(StreamClosed{});
}

void LinkConnection::handleParseError(xml::ParseError error, std::string detail) {
  events_.emplace_back(ParseFailed{error, std::move(detail)});
}

Awaitable<bool> LinkConnection::upgradeToTls(SSL_CTX* context, bool asClient,
                                             std::string_view serverName) {
  co_await flush();
  parser_.discardPending();
  parser_.reset();
  handshaking_ = true;
  bool ok = false;
  if (asClient) {
    ok = co_await transport_->startTlsClient(context, serverName);
  } else {
    ok = co_await transport_->startTls(context);
  }
  handshaking_ = false;
  if (!ok) {
    spdlog::info("{}: TLS handshake failed", name_);
    closing_ = true;
    closingSince_ = Clock::now();
    transport_->close();
    co_return false;
  }
  spdlog::info("{}: TLS established", name_);
  kickWriter();
  co_return true;
}

void LinkConnection::restartStream() {
  parser_.reset();
}

// ---- writing -------------------------------------------------------------------------------

void LinkConnection::sendElement(const xml::Element& element) {
  if (closing_ || !transport_ || !transport_->isOpen()) return;
  if (element.xmlns() == ns::kDialback) {
    appendDialbackElement(outbox_, element);  // `db:` prefixed: ejabberd needs that form
  } else {
    xml::serializeTo(outbox_, element, ns::kClient);
  }
  lastActivity_ = Clock::now();
  lastWrite_ = lastActivity_;
  if (outbox_.size() > links_.limits().maxOutboundQueueBytes) {
    spdlog::warn("{}: the peer does not read its stream; closing", name_);
    close(StreamError{StreamErrorCondition::PolicyViolation, "Outbound queue overflow."});
    return;
  }
  kickWriter();
}

void LinkConnection::sendRaw(std::string_view bytes) {
  if (!transport_ || !transport_->isOpen()) return;
  outbox_.append(bytes);
  lastWrite_ = Clock::now();
  kickWriter();
}

void LinkConnection::startWriter() {
  kickWriter();
}

void LinkConnection::kickWriter() {
  if (writing_ || outbox_.empty() || handshaking_ || !transport_ || !transport_->isOpen()) return;
  writing_ = true;
  core::spawnLogged(registry_.shard(), writeLoop(shared_from_this()), name_ + " writer",
                    [self = shared_from_this()] { self->abort(); });
}

Awaitable<void> LinkConnection::writeLoop(std::shared_ptr<LinkConnection>) {
  while (!outbox_.empty() && transport_->isOpen()) {
    inflight_.swap(outbox_);
    const auto status = co_await transport_->write(inflight_);
    inflight_.clear();
    if (status != net::TransportStatus::Ok) {
      outbox_.clear();
      transport_->close();
      break;
    }
  }
  std::string().swap(inflight_);
  writing_ = false;
  if (closing_) transport_->close();
  if (flushWaiter_ != nullptr) flushWaiter_->cancel();
}

Awaitable<void> LinkConnection::flush() {
  kickWriter();
  while (writing_) {
    asio::steady_timer waiter(registry_.shard(), Clock::time_point::max());
    flushWaiter_ = &waiter;
    boost::system::error_code ignored;
    co_await waiter.async_wait(asio::redirect_error(use_awaitable, ignored));
    flushWaiter_ = nullptr;
  }
}

// ---- closing -------------------------------------------------------------------------------

void LinkConnection::close(const StreamError& error) {
  if (closing_) return;
  closing_ = true;
  closingSince_ = Clock::now();
  if (!transport_ || handshaking_) {
    if (transport_) transport_->close();
    return;
  }
  spdlog::info("{}: closing with <{}/>{}{}", name_, xmpp::conditionName(error.condition),
               error.text.empty() ? "" : ": ", error.text);
  sendHeaderForError();
  xml::serializeTo(outbox_, error.toElement(), ns::kClient);
  outbox_ += "</stream:stream>";
  kickWriter();
}

void LinkConnection::endStream(std::string_view reason) {
  if (closing_) return;
  closing_ = true;
  closingSince_ = Clock::now();
  spdlog::info("{}: closing: {}", name_, reason);
  if (!transport_ || handshaking_) {
    if (transport_) transport_->close();
    return;
  }
  outbox_ += "</stream:stream>";
  kickWriter();
}

void LinkConnection::abort() {
  closing_ = true;
  closingSince_ = Clock::now();
  if (transport_) transport_->close();
}

bool LinkConnection::tickClosing(Clock::time_point now) {
  if (!closing_) return false;
  if (now - closingSince_ > kCloseGrace && transport_) transport_->close();
  return true;
}

void LinkConnection::finish() {
  if (finished_) return;
  finished_ = true;
  registry_.remove(*this);
  if (transport_) transport_->close();
  handleFinished();
}

}  // namespace kontalk::s2s
