#pragma once
// A code submission (spec §4.2) as the shard reads it, before anything expensive: bounded in
// size, with the key blocks unparsed and the account their user id names. Reading it verifies no
// signature and parses no key material (pgp/key_claims.hpp): the code step checks the code
// against the pending verification of that account first, and parses the key only after the
// code was accepted, so that a wrong code costs the server no public-key cryptography.
// Threading: pure functions; any thread. readCodeSubmission() is cheap (the shard calls it);
// checkSubmittedKey() is public-key cryptography (a worker calls it).

#include <string>

#include <tl/expected.hpp>

#include "pgp/public_key.hpp"
#include "pgp/result.hpp"
#include "xmpp/data_form.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::registration {

struct CodeSubmission {
  // The code as typed; "" when the form has none (spec §4.5 "callerid" needs none).
  std::string code;
  // The TLS client certificate (DER), "" without one; its key block is the key to certify.
  std::string certificateDer;
  // The decoded `publickey` field, "" without one; when both are given they must be one key.
  std::string publicKeyField;
  // The account the key claims: the localpart of its first user id that names a phone-number
  // account of the server's domain (spec §1, §4.2).
  std::string username;
};

// Why a submission is refused before any work: what the client is told, and the log's reason.
struct SubmissionRefusal {
  xmpp::StanzaError error;
  std::string reason;
};

// Longer than any code a provider sends; bounds what a client makes the server compare.
inline constexpr std::size_t kMaxCodeLength = 32;

// Reads `form` and the client certificate `certificateDer` of a code submission for `domain`.
tl::expected<CodeSubmission, SubmissionRefusal> readCodeSubmission(
    const xmpp::DataForm& form, const std::string& certificateDer, const std::string& domain);

// The full check, after the code was accepted (spec §2, §3 steps 1–3, §4.2): the key from the
// certificate and/or the field (then the same key), neither revoked nor expired at `now`, with a
// user id naming `submission.username`. Public-key cryptography: call it on a worker. Fails
// InvalidArgument with the reason.
Result<pgp::PublicKey> checkSubmittedKey(const CodeSubmission& submission,
                                         const std::string& domain, std::int64_t now);

}  // namespace kontalk::modules::registration
