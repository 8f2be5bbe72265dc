#pragma once
// XEP-0357 for the push module (spec §8.4): the enable/disable IQs, a publish to each of an
// account's app servers when the module decides to push, and the disabling of entries after
// their app server's errors or its affiliation-'none' message.
// Threading: handleRequest() and handleRemoval() run on a shard; publish() on a worker; the
// answers to publishes arrive on a shard. Thread-safe.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "api/module_host.hpp"
#include "modules/push/publish_failures.hpp"
#include "modules/push/push_settings.hpp"
#include "modules/push/push_trigger.hpp"
#include "storage/push_store.hpp"

namespace kontalk::modules::push {

class AppServerPusher {
 public:
  // Publishes count against the module's cap on pending pushes: `reserve` takes a place (false
  // when none is free), `release` gives it back.
  AppServerPusher(const PushSettings& settings, std::function<bool()> reserve,
                  std::function<void()> release);

  // Module::start: the disco feature of the account (spec §8.4) and the IQ handler.
  void start(api::ModuleHost& host);
  // Runs on a worker: one publish per entry of `account` with what waits for it.
  void publish(const xmpp::Jid& account, const Wake& wake);
  // A message from an app server to the account saying it dropped the user's node: the entry
  // goes. True when `message` is one (consumed).
  bool handleRemoval(const xml::Element& message, const xmpp::Jid& from, const xmpp::Jid& to);

 private:
  api::HandlerResult handleRequest(const api::IqRequest& request);
  void store(const api::IqRequest& request, const AppServerRequest& appRequest);
  void answered(const std::string& account, const storage::PushAppServer& entry,
                const xml::Element& response);
  // Removes (jid, node) of `account` on a worker; `why` for the log line.
  void disable(const std::string& account, const std::string& jid, const std::string& node,
               const std::string& why);

  PushSettings settings_;
  std::function<bool()> reserve_;
  std::function<void()> release_;
  api::ModuleHost* host_ = nullptr;
  std::atomic<std::uint64_t> nextId_{1};
  std::mutex mutex_;  // guards failures_
  PublishFailures failures_;
};

}  // namespace kontalk::modules::push
