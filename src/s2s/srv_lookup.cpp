#include "s2s/srv_lookup.hpp"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace kontalk::s2s {
namespace {

// RFC 1035 §4.1.1 limits a UDP answer to 512 bytes; EDNS and TCP answers may be larger.
constexpr std::size_t kAnswerBytes = 4096;

std::uint16_t readUint16(const unsigned char* bytes) {
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

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

std::vector<SrvTarget> lookupServerSrv(std::string_view domain) {
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return {};
  const std::string name = "_xmpp-server._tcp." + std::string(domain);
  std::array<unsigned char, kAnswerBytes> answer{};
  const int length = res_nquery(&state, name.c_str(), ns_c_in, ns_t_srv, answer.data(),
                                static_cast<int>(answer.size()));
  res_nclose(&state);
  if (length <= 0) return {};
  // A longer answer was truncated to the buffer; what fits still parses or fails cleanly.
  const auto size = std::min(static_cast<std::size_t>(length), answer.size());
  return parseSrvAnswer(std::span<const unsigned char>(answer.data(), size));
}

}  // namespace kontalk::s2s
