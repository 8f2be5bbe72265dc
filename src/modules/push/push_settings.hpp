#pragma once
// [modules.push] (Kontalk legacy push, spec §8.3, and XEP-0357, spec §8.4): the providers (FCM,
// the logging `dummy`), the app servers, when a message wakes a phone, and the limits that keep
// a slow or dead provider or app server from costing the server anything but the pushes.
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "config/section.hpp"

namespace kontalk::modules::push {

struct PushSettings {
  // FCM (spec §8.3): off while sender id and service account are empty.
  std::string fcmSenderId;
  std::filesystem::path fcmServiceAccountFile;
  std::string fcmBaseUrl = "https://fcm.googleapis.com";
  std::chrono::seconds fcmTimeout{10};
  // The development provider: pushes are only logged.
  bool dummy = false;
  // Spec §8.3: a session silent this long may sit behind a dead mobile link.
  std::chrono::seconds idleAfter{30};
  std::chrono::seconds minInterval{10};
  std::size_t pushesPerMinute = 12;  // per account; 6 is what min_interval alone allows
  std::size_t maxPending = 1000;     // pushes queued or in flight, server-wide
  std::size_t concurrency = 2;       // External workers push may hold at once
  std::size_t maxTrackedAccounts = 100'000;
  // XEP-0357 (spec §8.4).
  bool appServers = true;
  std::size_t maxAppServers = 5;  // entries per account
  std::chrono::seconds appServerTimeout{30};
  bool includeSender = false;  // senders are personal data
  bool includeBody = false;    // bodies are mostly encryption fallbacks

  bool fcmEnabled() const { return !fcmSenderId.empty(); }
};

const config::Section<PushSettings>& pushOptions();

}  // namespace kontalk::modules::push
