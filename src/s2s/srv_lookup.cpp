#include "s2s/srv_lookup.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>

namespace kontalk::s2s {
namespace {

// RFC 1035 §4.1.1 limits a UDP answer to 512 bytes; EDNS and TCP answers may be larger.
constexpr std::size_t kAnswerBytes = 4096;

std::uint16_t readUint16(const unsigned char* bytes) {
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

std::optional<sockaddr_in> nameserverAddress(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  sockaddr_in result{};
  result.sin_family = AF_INET;
  const std::string host(address.substr(0, colon));
  if (inet_pton(AF_INET, host.c_str(), &result.sin_addr) != 1) return std::nullopt;
  unsigned port = 0;
  const auto digits = address.substr(colon + 1);
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  for (const char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(digit - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  result.sin_port = htons(static_cast<std::uint16_t>(port));
  return result;
}

// One resolver state per call: res_nquery's state is not shared between threads.
class Resolver {
 public:
  explicit Resolver(std::span<const std::string> nameservers) {
    std::memset(&state_, 0, sizeof state_);
    ready_ = res_ninit(&state_) == 0;
    if (!ready_ || nameservers.empty()) return;
    int count = 0;
    for (const auto& address : nameservers) {
      const auto parsed = nameserverAddress(address);
      if (!parsed || count == MAXNS) continue;  // the configuration checked both
      state_.nsaddr_list[count++] = *parsed;
    }
    state_.nscount = count;
  }
  ~Resolver() {
    if (ready_) res_nclose(&state_);
  }
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // The answer's length (0 when there is none); `nameNotFound` when the server said NXDOMAIN.
  int query(const std::string& name, int type, std::span<unsigned char> answer,
            bool& nameNotFound) {
    nameNotFound = false;
    if (!ready_) return 0;
    const int length = res_nquery(&state_, name.c_str(), ns_c_in, type, answer.data(),
                                  static_cast<int>(answer.size()));
    if (length > 0) return length;
    nameNotFound = state_.res_h_errno == HOST_NOT_FOUND;
    return 0;
  }

 private:
  struct __res_state state_;
  bool ready_ = false;
};

}  // namespace

std::vector<SrvTarget> parseSrvAnswer(std::span<const unsigned char> message) {
  std::vector<SrvTarget> targets;
  ns_msg parsed;
  if (ns_initparse(message.data(), static_cast<int>(message.size()), &parsed) != 0) return {};
  const int answers = ns_msg_count(parsed, ns_s_an);
  for (int index = 0; index < answers; ++index) {
    ns_rr record;
    if (ns_parserr(&parsed, ns_s_an, index, &record) != 0) return {};
    if (ns_rr_type(record) != ns_t_srv || ns_rr_rdlen(record) < 7) continue;
    const unsigned char* data = ns_rr_rdata(record);
    std::array<char, NS_MAXDNAME> name{};
    if (dn_expand(ns_msg_base(parsed), ns_msg_end(parsed), data + 6, name.data(),
                  static_cast<int>(name.size())) < 0) {
      return {};
    }
    targets.push_back(
        SrvTarget{name.data(), readUint16(data + 4), readUint16(data), readUint16(data + 2)});
  }
  // RFC 2782: a target of "." (dn_expand writes it as "") means "no such service here".
  if (targets.size() == 1 && targets.front().host.empty()) return {};
  std::erase_if(targets, [](const SrvTarget& target) { return target.host.empty(); });
  std::stable_sort(targets.begin(), targets.end(), [](const SrvTarget& a, const SrvTarget& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
  });
  return targets;
}

SrvLookup lookupServerSrv(std::string_view domain, std::span<const std::string> nameservers) {
  Resolver resolver(nameservers);
  std::array<unsigned char, kAnswerBytes> answer{};
  bool serviceNotFound = false;
  const int length =
      resolver.query("_xmpp-server._tcp." + std::string(domain), ns_t_srv, answer, serviceNotFound);
  if (length > 0) {
    // A longer answer was truncated to the buffer; what fits still parses or fails cleanly.
    const auto size = std::min(static_cast<std::size_t>(length), answer.size());
    return {parseSrvAnswer(std::span<const unsigned char>(answer.data(), size)), true};
  }
  if (!serviceNotFound) return {};
  // No such service name: whether the domain itself exists decides between "try its address"
  // and "there is no such server" (NXDOMAIN is about the name, whatever the record type).
  bool domainNotFound = false;
  resolver.query(std::string(domain), ns_t_a, answer, domainNotFound);
  return {{}, !domainNotFound};
}

bool isNameserverAddress(std::string_view address) {
  return nameserverAddress(address).has_value();
}

}  // namespace kontalk::s2s
