#pragma once
// XEP-0363 slot requests and answers in both syntaxes (spec §8.6): version 0.2's elements under
// urn:xmpp:http:upload (the Kontalk Android client's) and the attributes of urn:xmpp:http:upload:0.
// Threading: pure functions over values; any thread.

#include <cstdint>
#include <string>
#include <variant>

#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::upload {

inline constexpr const char* kUploadNamespace = "urn:xmpp:http:upload";
inline constexpr const char* kUploadNamespace0 = "urn:xmpp:http:upload:0";

struct SlotRequest {
  std::string xmlns;  // which of the two namespaces the request used: the answer uses it too
  std::string filename;
  std::uint64_t size = 0;
  std::string contentType;  // "" when not given
};

// The <request/> payload; bad-request (with a text saying what is wrong) when filename or size
// is missing, size is not a decimal ≥ 1, or a content type is given that is not a media type
// ("type/subtype", parameters allowed, printable ASCII only: it is echoed in HTTP headers).
std::variant<SlotRequest, xmpp::StanzaError> parseSlotRequest(const xml::Element& request);

// <not-acceptable/> with <file-too-large/> in the request's namespace (spec §8.6).
xmpp::StanzaError fileTooLarge(const std::string& xmlns, std::uint64_t maxFileSize);

// The <slot/> with `url` as both PUT and GET URL, in `xmlns`'s syntax.
xml::Element slotElement(const std::string& xmlns, const std::string& url);

// The XEP-0128 form of the service's disco#info for `xmlns`: FORM_TYPE and max-file-size.
xml::Element serviceForm(const std::string& xmlns, std::uint64_t maxFileSize);

}  // namespace kontalk::modules::upload
