#pragma once
// OpenPGP packet framing (RFC 4880 §4.2) and multiprecision integers (§3.2): just enough to
// find the packets of a transferable key, read RSA key material and write a signature packet.
// Internal to src/pgp; everything here works on untrusted bytes and never reads out of bounds.
// Threading: pure functions over bytes; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgp/result.hpp"

namespace kontalk::pgp::packets {

// Packet tags (RFC 4880 §4.3).
inline constexpr int kSignature = 2;
inline constexpr int kSecretKey = 5;
inline constexpr int kPublicKey = 6;
inline constexpr int kUserId = 13;
inline constexpr int kPublicSubkey = 14;

struct Packet {
  int tag = 0;
  std::string_view body;   // the packet body
  std::string_view whole;  // header and body, as found in the input
};

// Splits `data` into packets. Partial body lengths (§4.2.2.4) and indeterminate old-format
// lengths are refused: key material never uses them.
Result<std::vector<Packet>> split(std::string_view data);

// The first transferable key of `packets` (§11.1), which start with its primary key packet: its
// packets are [0, end), where the next primary key (public or secret) begins, and its subkeys
// begin at `subkeys` (== end without subkeys). User ids and their signatures precede `subkeys`.
struct KeyExtent {
  std::size_t subkeys = 0;
  std::size_t end = 0;
};
KeyExtent firstKeyExtent(const std::vector<Packet>& packets);

// A new-format packet (§4.2.2) with `tag` around `body`.
std::string frame(int tag, std::string_view body);

// Reads one MPI (§3.2) at `offset`, advancing it; the magnitude without leading zero bytes.
Result<std::string> readMpi(std::string_view body, std::size_t& offset);
// Writes `magnitude` (big-endian, leading zeros allowed) as an MPI.
std::string writeMpi(std::string_view magnitude);

// The public part of a v4 RSA key packet (§5.5.2): creation time and the public MPIs.
struct RsaPublicKey {
  std::uint32_t creationTime = 0;
  std::string modulus;     // n
  std::string exponent;    // e
  std::size_t length = 0;  // bytes of the body the public part occupies
};
Result<RsaPublicKey> readRsaPublicKey(std::string_view keyBody);

// The v4 fingerprint (§12.2): SHA-1 over 0x99, the two-octet length and the key packet body of
// the public part (a secret key packet's public part gives the same fingerprint). Raw 20 bytes.
std::string fingerprintV4(std::string_view publicKeyBody);
std::string upperHex(std::string_view bytes);

void appendUint16(std::string& out, std::uint32_t value);
void appendUint32(std::string& out, std::uint32_t value);

}  // namespace kontalk::pgp::packets
