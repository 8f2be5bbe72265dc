#pragma once
// Personal eventing (XEP-0163): each account's PEP nodes with their configuration, and the items
// published to them, newest last. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

// A node's configuration (XEP-0060 §8.2): the subset PEP clients set.
struct PepNodeConfig {
  std::string accessModel = "presence";  // presence, open, roster or whitelist
  std::int64_t maxItems = 1;
  bool persistItems = true;

  bool operator==(const PepNodeConfig&) const = default;
};

struct PepItem {
  std::string id;
  std::string payload;  // the serialized payload element
};

enum class PepWrite {
  Stored,
  TooManyNodes,  // the node did not exist and the account has its maximum of nodes
};

// publish(): what was written, and the configuration of the node the item went to.
struct PepPublished {
  PepWrite write = PepWrite::Stored;
  PepNodeConfig config;
};

class PepStore {
 public:
  virtual ~PepStore() = default;
  // The node's configuration; nullopt when the account has no such node.
  virtual Result<std::optional<PepNodeConfig>> findNode(const std::string& username,
                                                        const std::string& domain,
                                                        const std::string& node) = 0;
  // The account's nodes, by name.
  virtual Result<std::vector<std::string>> nodes(const std::string& username,
                                                 const std::string& domain) = 0;
  // Creates the node with `config`, or reconfigures it and keeps its newest config.maxItems
  // items (none unless config.persistItems). Creating a node beyond `maxNodes` writes nothing.
  // NotFound when the account does not exist.
  virtual Result<PepWrite> configureNode(const std::string& username, const std::string& domain,
                                         const std::string& node, const PepNodeConfig& config,
                                         std::size_t maxNodes) = 0;
  // Creates the node with `createWith` when it does not exist (within `maxNodes`), then, when
  // the node persists items, stores `item` as its newest (replacing an item with the same id)
  // and keeps the newest maxItems of its configuration.
  virtual Result<PepPublished> publish(const std::string& username, const std::string& domain,
                                       const std::string& node, const PepNodeConfig& createWith,
                                       const PepItem& item, std::size_t maxNodes) = 0;
  // Whether the item existed (it is gone now).
  virtual Result<bool> retract(const std::string& username, const std::string& domain,
                               const std::string& node, const std::string& itemId) = 0;
  // Whether the node existed (it and its items are gone now).
  virtual Result<bool> deleteNode(const std::string& username, const std::string& domain,
                                  const std::string& node) = 0;
  // The node's newest `max` items, newest first.
  virtual Result<std::vector<PepItem>> items(const std::string& username, const std::string& domain,
                                             const std::string& node, std::size_t max) = 0;
};

}  // namespace kontalk::storage
