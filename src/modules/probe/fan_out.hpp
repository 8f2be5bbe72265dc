#pragma once
// One roster match's questions to the other servers of the network (spec §7.5 steps 3-5): the
// request each peer gets, what of its answer is kept, and the merged matches once every peer is
// done. The peers are fixed when it is made: a list that changes meanwhile does not affect it.
//
// Threading: settle() may be called from any thread (answers arrive on several shards); one
// mutex. request() and the constructor are pure.

#include <cstddef>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::probe {

class FanOut {
 public:
  // `peers`: domains in list order; `candidates`: the localparts asked, in request order, each
  // once.
  FanOut(std::vector<std::string> peers, std::vector<std::string> candidates);

  const std::vector<std::string>& peers() const { return peers_; }
  std::size_t candidates() const { return candidates_.size(); }
  // Spec §7.6: the IQ for peer `index`, every candidate written as localpart@PEER.
  xml::Element request(std::size_t index, const std::string& from, const std::string& id) const;
  // Peer `index` is done: `response` is its result (its items whose domain is the peer and whose
  // localpart was asked are kept), an error, or nullptr (never asked). True for exactly one call:
  // the one that made every peer done.
  bool settle(std::size_t index, const xml::Element* response);
  // The peers' matches: list order, then request order.
  std::vector<xmpp::Jid> matches() const;

 private:
  const std::vector<std::string> peers_;
  const std::vector<std::string> candidates_;
  mutable std::mutex mutex_;
  std::vector<bool> done_;
  std::vector<std::set<std::string>> found_;  // per peer: matched localparts
  std::size_t remaining_;
};

}  // namespace kontalk::modules::probe
