#pragma once
// Back-off for password guessing (PLAIN, SCRAM), shared by every connection: the per-connection
// limit ([c2s] max_auth_failures) alone let 40 connections try 405 passwords a second. Failures
// are counted per account and per source address (IPv6 by /64, what one subscriber holds); past
// a number of free failures, each further failure doubles the time that source or account must
// wait before its next password is even checked. Certificate login (EXTERNAL) cannot be guessed
// and is never throttled.
//
// Threading: every method may be called from any thread (all shards share one throttle).

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

namespace kontalk::stream {

struct PasswordThrottleSettings {
  std::size_t freeFailuresPerAccount = 5;
  std::size_t freeFailuresPerAddress = 20;  // many users may share one address (NAT)
  std::chrono::seconds maxBackoff{300};
  std::chrono::seconds failureMemory{900};  // failures are forgotten this long after the last
};

class PasswordThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  // Sources and accounts remembered at once; beyond, the one whose last failure is oldest is
  // forgotten first (an attacker cycling through made-up names cannot grow the server).
  static constexpr std::size_t kMaxTracked = 100'000;

  explicit PasswordThrottle(const PasswordThrottleSettings& settings) : settings_(settings) {}

  // The key a client address counts under.
  static std::string sourceKey(const boost::asio::ip::address& address);

  // Whether a password of `source` (sourceKey) and `account` (a localpart, possibly unknown;
  // empty while not yet known) may be checked now. If so, returns zero and counts the attempt
  // as a failure at once: concurrent attempts cannot all slip through before the first is
  // judged. Otherwise returns how long they must still wait, and counts nothing.
  Clock::duration admit(std::string_view source, std::string_view account, Clock::time_point now);
  // The admitted attempt was right: the account's failures are forgiven and the source's count
  // is given back. The source's other failures stay: one valid account must not reset an
  // address that guesses at others.
  void succeeded(std::string_view source, std::string_view account);
  // The admitted attempt was not judged (the server's own trouble, a malformed message): its
  // count is given back.
  void undecided(std::string_view source, std::string_view account);
  // Sources and accounts remembered now (at most kMaxTracked).
  std::size_t tracked();

 private:
  struct Entry {
    std::size_t failures = 0;
    Clock::time_point lastFailure;
    std::list<std::string>::iterator age;  // position in oldest_
  };

  Clock::duration waitFor(const std::string& key, std::size_t freeFailures,
                          Clock::time_point now) const;
  void count(std::string key, Clock::time_point now);
  void giveBack(const std::string& key);
  void forget(std::unordered_map<std::string, Entry>::iterator entry);
  void forgetExpired(Clock::time_point now);

  const PasswordThrottleSettings settings_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> oldest_;  // keys by last failure, oldest first
};

}  // namespace kontalk::stream
