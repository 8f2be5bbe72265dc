#include "stream/c2s_session_handle.hpp"

#include <spdlog/spdlog.h>

#include "stream/c2s_stream.hpp"

namespace kontalk::stream {

C2sSessionHandle::C2sSessionHandle(xmpp::Jid jid, api::ClientInfo client,
                                   std::weak_ptr<C2sStream> stream, asio::io_context& shard)
    : LocalSession(std::move(jid), std::move(client)), stream_(std::move(stream)), shard_(shard) {}

void C2sSessionHandle::deliver(xml::Element stanza) {
  if (shard_.get_executor().running_in_this_thread()) {
    if (auto stream = stream_.lock()) stream->sendStanza(stanza);
    return;
  }
  asio::post(shard_, [stream = stream_, stanza = std::move(stanza)] {
    if (auto target = stream.lock()) {
      target->sendStanza(stanza);
    } else {
      spdlog::debug("dropping <{}/> for a session that ended meanwhile", stanza.name());
    }
  });
}

void C2sSessionHandle::terminate(xmpp::StreamError error) {
  asio::post(shard_, [stream = stream_, error = std::move(error)] {
    if (auto target = stream.lock()) target->close(error);
  });
}

}  // namespace kontalk::stream
