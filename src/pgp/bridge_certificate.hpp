#pragma once
// The Kontalk bridge certificate (spec §2): a self-signed X.509 certificate whose public key is
// the user's OpenPGP primary key and whose extension carries the OpenPGP key block.
// Threading: pure functions; any thread. keyFromBridgeCertificate() parses the key with librnp
// (not cheap: workers call it); keyBlockOfBridgeCertificate() is cheap.

#include <string>
#include <string_view>

#include "pgp/public_key.hpp"
#include "pgp/result.hpp"

namespace kontalk::pgp {

// Extracts the OpenPGP key block from extension OID 2.25.49058212633447845622587297037800555803
// of the DER certificate and checks that the certificate's public key equals the key's primary
// key (spec §3 steps 1–2). X.509 validity, signature and chain are ignored on purpose (spec §2):
// trust comes from the server's certification only. Errors name the failed check.
Result<PublicKey> keyFromBridgeCertificate(std::string_view certificateDer);

// Step 1 alone: the OpenPGP key block of the extension, unparsed and unchecked (for
// readKeyClaims; trust nothing in it before keyFromBridgeCertificate). No signature is checked:
// a DER parse and a copy.
Result<std::string> keyBlockOfBridgeCertificate(std::string_view certificateDer);

}  // namespace kontalk::pgp
