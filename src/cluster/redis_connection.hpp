#pragma once
// One blocking connection to Redis through hiredis (Debian libhiredis-dev), for a thread of its
// own: the node registry's, or kontalkctl's. Every call waits for the answer, at most the
// connection's timeout. After a failure the connection is broken: make a new one.
// Threading: one thread at a time; never on a shard.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/status.hpp"

struct redisContext;

namespace kontalk::cluster {

struct RedisAddress {
  std::string host;
  std::uint16_t port = 6379;
  int database = 0;
};

// "redis://host[:port][/db]" (no user or password: Redis on a private network, as PostgreSQL).
Result<RedisAddress> parseRedisUrl(const std::string& url);

// An answer: nil, an integer, a string (bulk or status), or an array of answers.
struct RedisReply {
  struct Nil {};
  std::variant<Nil, long long, std::string, std::vector<RedisReply>> value;

  long long integer() const;               // 0 unless an integer
  std::string text() const;                // "" unless a string
  std::vector<std::string> texts() const;  // an array's strings
};

class RedisConnection {
 public:
  // Connects and selects the database; Unavailable when Redis does not answer.
  static Result<std::unique_ptr<RedisConnection>> open(const RedisAddress& address,
                                                       std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // One command, its arguments binary-safe. An error answer is Internal (a bug of ours or a
  // Redis without what we need); a lost connection or timeout Unavailable.
  Result<RedisReply> command(const std::vector<std::string>& arguments);

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  redisContext* context_;
};

}  // namespace kontalk::cluster
