#include "modules/upload/slot_request.hpp"

#include <algorithm>
#include <charconv>

#include "modules/upload/upload_names.hpp"
#include "xmpp/data_form.hpp"

namespace kontalk::modules::upload {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

StanzaError badRequest(std::string text) {
  return StanzaError::of(StanzaErrorCondition::BadRequest, std::move(text));
}

bool isPrintableAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

}  // namespace

std::variant<SlotRequest, StanzaError> parseSlotRequest(const xml::Element& request) {
  SlotRequest slot;
  slot.xmlns = request.xmlns();
  std::string size;
  bool hasFilename = false;
  bool hasSize = false;
  if (slot.xmlns == kUploadNamespace) {
    hasFilename = request.child("filename", kUploadNamespace) != nullptr;
    hasSize = request.child("size", kUploadNamespace) != nullptr;
    slot.filename = request.childText("filename", kUploadNamespace);
    size = request.childText("size", kUploadNamespace);
    slot.contentType = request.childText("content-type", kUploadNamespace);
  } else {
    hasFilename = request.hasAttribute("filename");
    hasSize = request.hasAttribute("size");
    slot.filename = std::string(request.attribute("filename"));
    size = std::string(request.attribute("size"));
    slot.contentType = std::string(request.attribute("content-type"));
  }
  if (!hasFilename || slot.filename.empty()) return badRequest("The filename is missing.");
  if (!hasSize) return badRequest("The size is missing.");
  const auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), slot.size);
  if (size.empty() || error != std::errc() || end != size.data() + size.size() || slot.size < 1) {
    return badRequest("The size must be a decimal number of bytes, at least 1.");
  }
  if (!slot.contentType.empty() &&
      (!isPrintableAscii(slot.contentType) || mediaType(slot.contentType).empty())) {
    return badRequest("The content type is not a media type.");
  }
  return slot;
}

StanzaError fileTooLarge(const std::string& xmlns, std::uint64_t maxFileSize) {
  const auto limit = std::to_string(maxFileSize);
  auto error = StanzaError::of(StanzaErrorCondition::NotAcceptable,
                               "File too large. The maximum file size is " + limit + " bytes");
  xml::Element tooLarge("file-too-large", xmlns);
  tooLarge.addChild("max-file-size", xmlns).addText(limit);
  error.application = std::move(tooLarge);
  return error;
}

xml::Element slotElement(const std::string& xmlns, const std::string& url) {
  xml::Element slot("slot", xmlns);
  if (xmlns == kUploadNamespace) {
    slot.addChild("put", xmlns).addText(url);
    slot.addChild("get", xmlns).addText(url);
  } else {
    slot.addChild("put", xmlns).setAttribute("url", url);
    slot.addChild("get", xmlns).setAttribute("url", url);
  }
  return slot;
}

xml::Element serviceForm(const std::string& xmlns, std::uint64_t maxFileSize) {
  // XEP-0128 §2: a result form whose hidden FORM_TYPE names the namespace.
  xmpp::DataForm form;
  form.type = "result";
  form.fields.push_back({"FORM_TYPE", "hidden", "", {xmlns}});
  form.fields.push_back({"max-file-size", "", "", {std::to_string(maxFileSize)}});
  return form.toElement();
}

}  // namespace kontalk::modules::upload
