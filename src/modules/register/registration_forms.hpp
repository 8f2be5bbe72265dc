#pragma once
// The wire vocabulary of Kontalk registration (spec §4): namespaces, FORM_TYPEs, the exact
// error texts clients show or match, and the forms the server sends.
// Threading: constants and pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xmpp/data_form.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::registration {

inline constexpr const char* kRegisterNamespace = ns::kRegister;
inline constexpr const char* kRegisterFeatureNamespace = ns::kRegisterFeature;
inline constexpr const char* kCodeFormType = "http://kontalk.org/protocol/register#code";
inline constexpr const char* kPrivateKeyFormType =
    "http://kontalk.org/protocol/register#privatekey";
inline constexpr const char* kAccountNamespace = "http://kontalk.org/protocol/register#account";

// Error texts, verbatim from spec §1 and §4.
inline constexpr const char* kBadPhoneNumber = "Bad phone number.";
inline constexpr const char* kTermsNotAccepted = "Service terms were not accepted.";
inline constexpr const char* kAlreadyRegistered = "Another user is registered with the same id.";
inline constexpr const char* kTooManyAttempts = "Too many attempts.";
inline constexpr const char* kUnableToVerify = "Unable to verify number.";
// Not a wire text of the original server: the code step's answer when the provider that must
// check the code cannot be reached (the client shows its own message for any error).
inline constexpr const char* kProviderUnavailable =
    "The verification service is unavailable; try again later.";
inline constexpr const char* kInvalidCode = "Invalid verification code.";
inline constexpr const char* kPhoneOrCodeNeeded =
    "Please provide either a phone number or a public key and a verification code.";
inline constexpr const char* kInvalidRevocationKey = "Invalid revocation key.";
inline constexpr const char* kInvalidPublicKey = "Invalid public key.";
inline constexpr const char* kInvalidPrivateKeyToken = "Invalid private key token.";

xmpp::StanzaError stanzaError(xmpp::StanzaErrorCondition condition, const char* text);
// A throttled request (spec §0, §4.1): the Android client maps service-unavailable of type wait
// to "throttled".
xmpp::StanzaError throttledError();

// The submitted form of a registration query, or nullopt when there is none.
std::optional<xmpp::DataForm> submittedForm(const xml::Element& query);
// XEP-0004 boolean: "1" or "true".
bool isTrue(const std::optional<std::string>& value);
// Base64 as clients send it (Android wraps lines): whitespace is ignored. nullopt when invalid
// or when the decoded bytes would exceed `maxBytes`.
std::optional<std::string> decodeBase64Field(std::string_view text, std::size_t maxBytes);

// Spec §4.4: a plain get returns what to submit. With `termsUrl` (spec §4.1) the form also
// carries an 'accept-terms' boolean and the URL in a hidden 'terms' field: the Android client
// reads both from this reply only, and sends accept-terms only after it saw them.
xml::Element instructionsQuery(std::string_view termsUrl);
// Spec §4.1: the answer to a started verification.
xml::Element verificationStartedQuery(std::string_view instructions, std::string_view senderId,
                                      std::string_view challenge, bool canFallback);
// Spec §4.2, §4.3: the user's key with the server's certification.
xml::Element signedKeyQuery(std::string_view keyBinary);
// Spec §4.4.
xml::Element privateKeyTokenQuery(std::string_view token);
xml::Element privateKeyQuery(std::string_view privateKey, std::string_view publicKey);

}  // namespace kontalk::modules::registration
