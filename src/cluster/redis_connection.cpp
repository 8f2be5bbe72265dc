#include "cluster/redis_connection.hpp"

#include <charconv>

#include <hiredis/hiredis.h>

namespace kontalk::cluster {

namespace {

timeval toTimeval(std::chrono::milliseconds timeout) {
  return timeval{static_cast<time_t>(timeout.count() / 1000),
                 static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
}

RedisReply convert(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return RedisReply{reply.integer};
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return RedisReply{std::string(reply.str, reply.len)};
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i)
        elements.push_back(convert(*reply.element[i]));
      return RedisReply{std::move(elements)};
    }
    default:
      return RedisReply{RedisReply::Nil{}};
  }
}

template <typename Number>
bool parseNumber(std::string_view text, Number& number) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<RedisAddress> parseRedisUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  auto invalid = [&url] {
    return failure(StatusCode::InvalidArgument,
                   "redis_url \"" + url + "\" is not redis://host[:port][/db]");
  };
  if (!url.starts_with(kScheme)) return invalid();
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  RedisAddress address;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (!parseNumber(rest.substr(slash + 1), address.database) || address.database < 0) {
      return invalid();
    }
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    if (!parseNumber(rest.substr(colon + 1), address.port) || address.port == 0) return invalid();
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || rest.find('@') != std::string_view::npos) return invalid();
  address.host = std::string(rest);
  return address;
}

long long RedisReply::integer() const {
  const auto* number = std::get_if<long long>(&value);
  return number != nullptr ? *number : 0;
}

std::string RedisReply::text() const {
  const auto* string = std::get_if<std::string>(&value);
  return string != nullptr ? *string : std::string();
}

std::vector<std::string> RedisReply::texts() const {
  std::vector<std::string> strings;
  if (const auto* elements = std::get_if<std::vector<RedisReply>>(&value)) {
    for (const auto& element : *elements) strings.push_back(element.text());
  }
  return strings;
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::open(const RedisAddress& address,
                                                               std::chrono::milliseconds timeout) {
  redisContext* context =
      redisConnectWithTimeout(address.host.c_str(), address.port, toTimeval(timeout));
  const std::string where = "redis " + address.host + ":" + std::to_string(address.port);
  if (context == nullptr) return failure(StatusCode::Unavailable, where + ": out of memory");
  if (context->err != 0) {
    std::string message = where + ": " + context->errstr;
    redisFree(context);
    return failure(StatusCode::Unavailable, message);
  }
  redisSetTimeout(context, toTimeval(timeout));
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
  if (address.database != 0) {
    if (auto selected = connection->command({"SELECT", std::to_string(address.database)});
        !selected) {
      return tl::unexpected(selected.error());
    }
  }
  return connection;
}

RedisConnection::~RedisConnection() {
  redisFree(context_);
}

Result<RedisReply> RedisConnection::command(const std::vector<std::string>& arguments) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& argument : arguments) {
    pointers.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  auto* reply = static_cast<redisReply*>(redisCommandArgv(
      context_, static_cast<int>(arguments.size()), pointers.data(), lengths.data()));
  if (reply == nullptr) {
    return failure(StatusCode::Unavailable,
                   std::string("redis: ") + (context_->err != 0 ? context_->errstr : "no answer"));
  }
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> owned(reply, freeReplyObject);
  if (reply->type == REDIS_REPLY_ERROR) {
    return failure(StatusCode::Internal,
                   "redis " + arguments.front() + ": " + std::string(reply->str, reply->len));
  }
  return convert(*reply);
}

}  // namespace kontalk::cluster
