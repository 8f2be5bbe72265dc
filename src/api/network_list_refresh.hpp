#pragma once
// Asks the network module to re-read the operator's edits of the server list (spec §7.1) now
// instead of at its next poll: `kontalkctl reload` and SIGHUP apply `kontalkctl network ...`
// edits at once.
// Threading: refresh() may be called from any thread; the re-read runs on a worker.

namespace kontalk::api {

class NetworkListRefresh {
 public:
  virtual ~NetworkListRefresh() = default;
  virtual void refresh() = 0;
};

}  // namespace kontalk::api
