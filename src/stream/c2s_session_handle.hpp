#pragma once
// The router's handle on a bound c2s session (router::LocalSession). It outlives nothing: it
// holds the stream weakly, and a delivery to a stream that has ended is dropped.

#include <memory>

#include "core/asio.hpp"
#include "router/local_session.hpp"

namespace kontalk::stream {

class C2sStream;

class C2sSessionHandle final : public router::LocalSession {
 public:
  C2sSessionHandle(xmpp::Jid jid, api::ClientInfo client, std::weak_ptr<C2sStream> stream,
                   asio::io_context& shard);

  // Thread-safe. On the stream's own shard the stanza is queued at once (keeping the order of
  // everything one shard sends); from other shards it is posted.
  void deliver(xml::Element stanza) override;
  void terminate(xmpp::StreamError error) override;

 private:
  std::weak_ptr<C2sStream> stream_;
  asio::io_context& shard_;
};

}  // namespace kontalk::stream
