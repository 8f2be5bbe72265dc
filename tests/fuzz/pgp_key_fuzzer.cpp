// Fuzz target: OpenPGP packets and public keys (src/pgp/packets, src/pgp/public_key). The input
// is what a client uploads as its key: binary packets or ASCII armor. Properties checked, besides
// the sanitizers': split() covers its input exactly with packets that lie inside it, MPIs read
// back as written, and a parsed key is consistent (fingerprint format, its own binary re-parses
// to the same key).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "pgp/packets.hpp"
#include "pgp/public_key.hpp"

namespace {

using kontalk::fuzz::check;
namespace pgp = kontalk::pgp;
namespace packets = kontalk::pgp::packets;

void checkPackets(std::string_view input) {
  const auto split = packets::split(input);
  if (!split) return;
  std::size_t covered = 0;
  for (const auto& packet : *split) {
    check(packet.whole.data() == input.data() + covered, "packets leave a gap or overlap");
    check(packet.body.data() >= packet.whole.data() &&
              packet.body.data() + packet.body.size() == packet.whole.data() + packet.whole.size(),
          "a packet body lies outside its packet");
    covered += packet.whole.size();
    // The same body framed anew splits back into one packet with that tag and body.
    const std::string framed = packets::frame(packet.tag, packet.body);
    const auto again = packets::split(framed);
    check(again && again->size() == 1 && (*again)[0].tag == packet.tag &&
              (*again)[0].body == packet.body,
          "frame() does not split back");

    std::size_t offset = 0;
    const auto mpi = packets::readMpi(packet.body, offset);
    if (mpi) {
      check(offset <= packet.body.size(), "readMpi read past the body");
      check(mpi->empty() || mpi->front() != '\0', "readMpi kept a leading zero");
      std::size_t reread = 0;
      const auto written = packets::writeMpi(*mpi);
      const auto back = packets::readMpi(written, reread);
      check(back && *back == *mpi && reread == written.size(), "writeMpi does not read back");
    }
    const auto rsa = packets::readRsaPublicKey(packet.body);
    if (rsa) check(rsa->length <= packet.body.size(), "an RSA key longer than its packet");
  }
  check(covered == input.size(), "packets do not cover the input");
}

void checkKey(std::string_view input) {
  const auto key = pgp::PublicKey::parse(input);
  if (!key) return;
  check(key->fingerprint().size() == 40, "a fingerprint is not 40 hex digits", key->fingerprint());
  const auto again = pgp::PublicKey::parse(key->binary());
  check(again.has_value(), "a parsed key's binary does not parse");
  check(again->fingerprint() == key->fingerprint() && again->binary() == key->binary() &&
            again->userIds().size() == key->userIds().size() &&
            again->creationTime() == key->creationTime() && again->isRevoked() == key->isRevoked(),
        "a parsed key's binary parses into another key");
  (void)key->primaryKeySubjectPublicKeyInfo();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  checkPackets(input);
  checkKey(input);
  return 0;
}
