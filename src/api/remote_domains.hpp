#pragma once
// What the s2s layer learned of other domains' existence (spec §7.9): a domain for which DNS
// said authoritatively that neither `_xmpp-server._tcp.DOMAIN` nor DOMAIN exists has no server
// to wait for. Provided by the server before the modules start, whether or not s2s is on; the
// offline module's remote queue bounces what waits for such a domain at once with
// remote-server-not-found (unless it is a Kontalk network domain: those are only ever down).
//
// Threading: any thread, shards included; never blocks (a mutex around a small set).

#include <string_view>

namespace kontalk::api {

class RemoteDomains {
 public:
  virtual ~RemoteDomains() = default;
  // True when the latest look-up of `domain` found that it does not exist.
  virtual bool isNonexistent(std::string_view domain) const = 0;
};

}  // namespace kontalk::api
