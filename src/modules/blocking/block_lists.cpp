#include "modules/blocking/block_lists.hpp"

#include <mutex>

namespace kontalk::modules::blocking {

void BlockLists::add(const std::string& account, const std::vector<std::string>& jids) {
  std::unique_lock lock(mutex_);
  lists_[account].insert(jids.begin(), jids.end());
}

void BlockLists::remove(const std::string& account, const std::vector<std::string>& jids) {
  std::unique_lock lock(mutex_);
  auto list = lists_.find(account);
  if (list == lists_.end()) return;
  for (const auto& jid : jids) list->second.erase(jid);
  if (list->second.empty()) lists_.erase(list);
}

void BlockLists::clear(const std::string& account) {
  std::unique_lock lock(mutex_);
  lists_.erase(account);
}

std::vector<std::string> BlockLists::list(const std::string& account) const {
  std::shared_lock lock(mutex_);
  auto list = lists_.find(account);
  if (list == lists_.end()) return {};
  return {list->second.begin(), list->second.end()};
}

std::size_t BlockLists::size(const std::string& account) const {
  std::shared_lock lock(mutex_);
  auto list = lists_.find(account);
  return list == lists_.end() ? 0 : list->second.size();
}

bool BlockLists::contains(const std::string& account, const std::string& jid) const {
  std::shared_lock lock(mutex_);
  auto list = lists_.find(account);
  return list != lists_.end() && list->second.contains(jid);
}

bool BlockLists::blocks(const std::string& account, const xmpp::Jid& peer) const {
  if (peer.isEmpty()) return false;
  std::shared_lock lock(mutex_);
  auto list = lists_.find(account);
  if (list == lists_.end()) return false;
  const auto& items = list->second;
  const auto matches = [&items](const std::string& form) { return items.contains(form); };
  if (matches(peer.toString()) || matches(peer.bareString()) || matches(peer.domain())) {
    return true;
  }
  return !peer.resource().empty() && matches(peer.domain() + "/" + peer.resource());
}

}  // namespace kontalk::modules::blocking
