// XEP-0363 HTTP File Upload (spec §8.6, §8.7): the service SERVICE.DOMAIN hands out slots to
// local users, and the [http] server takes and serves their files under /upload.
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>

#include "api/module_descriptor.hpp"
#include "base/unix_time.hpp"
#include "modules/upload/file_service.hpp"
#include "modules/upload/slot_request.hpp"
#include "modules/upload/upload_metrics.hpp"
#include "modules/upload/upload_names.hpp"
#include "modules/upload/upload_settings.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules {
namespace {

using namespace upload;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// Spec §8.6: a user may hold this many slots without a file.
constexpr std::size_t kMaxUnusedSlots = 20;
constexpr const char* kRoute = "/upload";

class UploadModule final : public api::Module {
 public:
  explicit UploadModule(const UploadSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    uploadMetrics();  // its series exist (at 0) before the first upload
    host_ = &host;
    serviceDomain_ = settings_.service + "." + host.domain();
    baseUrl_ = settings_.baseUrl.empty() ? host.httpBaseUrl() + kRoute : settings_.baseUrl;
    if (host.httpBaseUrl().empty()) {
      // Only kontalkd serves the files (a base_url is a proxy in front of it).
      spdlog::warn("upload: [http] listen is empty: uploads are off");
      return;
    }
    directory_ = host.dataDirectory() / "upload";
    std::filesystem::create_directories(directory_);
    std::filesystem::permissions(directory_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    removeLeftovers();
    files_ = std::make_unique<FileService>(settings_, host, directory_);

    host.advertiseService({settings_.service,
                           "HTTP File Upload",
                           {"store", "file", "HTTP File Upload"},
                           {kUploadNamespace, kUploadNamespace0},
                           true,
                           {serviceForm(kUploadNamespace, settings_.maxFileSize),
                            serviceForm(kUploadNamespace0, settings_.maxFileSize)},
                           {}});
    for (const char* xmlns : {kUploadNamespace, kUploadNamespace0}) {
      host.onIq(api::IqScope::Service, xmlns, api::IqType::Get,
                [this](const api::IqRequest& request) { return requestSlot(request); });
    }
    host.onHttp(kRoute,
                [this](const api::HttpRequest& request) { return files_->handle(request); });
    host.onInterval(settings_.expiryInterval, [this] { host_->runBlocking([this] { expire(); }); });
    spdlog::info("upload: {} hands out slots under {}", serviceDomain_, baseUrl_);
  }

 private:
  api::HandlerResult requestSlot(const api::IqRequest& request) {
    if (request.to.domain() != serviceDomain_ || request.payload.name() != "request") {
      return api::HandlerResult::Continue;
    }
    // Spec §8.6: local authenticated users only.
    if (request.from.domain() != host_->domain() || request.from.local().empty()) {
      spdlog::info("upload: slot refused to {}: not a local user", request.from.toString());
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::NotAllowed));
      return api::HandlerResult::Handled;
    }
    auto parsed = parseSlotRequest(request.payload);
    if (auto* error = std::get_if<StanzaError>(&parsed)) {
      spdlog::info("upload: slot refused to {}: {}", request.from.toString(), error->text);
      host_->replyError(request, *error);
      return api::HandlerResult::Handled;
    }
    auto slot = std::get<SlotRequest>(std::move(parsed));
    if (slot.size > settings_.maxFileSize) {
      spdlog::info("upload: slot refused to {}: {} bytes over max_file_size",
                   request.from.toString(), slot.size);
      host_->replyError(request, fileTooLarge(slot.xmlns, settings_.maxFileSize));
      return api::HandlerResult::Handled;
    }
    host_->runBlocking([this, kept = api::KeptIqRequest(request), slot = std::move(slot)] {
      createSlot(kept.request(), slot);
    });
    return api::HandlerResult::Handled;
  }

  // On a worker.
  void createSlot(const api::IqRequest& request, const SlotRequest& slot) {
    storage::UploadRow row;
    row.id = newSlotId();
    row.owner = request.from.bare().toString();
    row.name = sanitizeName(slot.filename);
    row.contentType = slot.contentType;
    row.size = slot.size;
    row.createdAt = base::unixNow();
    auto created = host_->storage().uploads().createSlot(row, settings_.userQuota, kMaxUnusedSlots,
                                                         row.createdAt - settings_.slotTtl.count());
    if (!created) return host_->replyFailure(request, created.error(), "upload slot");
    if (*created != storage::SlotRefusal::None) {
      // Spec §8.6: wait, resource-constraint (the original said not-acceptable).
      const bool quota = *created == storage::SlotRefusal::Quota;
      spdlog::info("upload: slot refused to {}: {}", row.owner,
                   quota ? "user_quota reached" : "too many unused slots");
      return host_->replyError(request,
                               StanzaError::of(StanzaErrorCondition::ResourceConstraint,
                                               quota ? "Your upload quota is full."
                                                     : "Too many slots wait for their upload."));
    }
    spdlog::info("upload: slot {} for {} ({} bytes, '{}')", row.id, row.owner, row.size, row.name);
    host_->replyResult(request, slotElement(slot.xmlns, baseUrl_ + "/" + row.id + "/" + row.name));
  }

  // On a worker: spec §8.7's expiry (hourly by default).
  void expire() {
    const auto now = base::unixNow();
    auto expired = host_->storage().uploads().expire(
        now - settings_.maxAge.count(), settings_.userQuotaSoft, now - settings_.slotTtl.count());
    if (!expired) {
      spdlog::warn("upload: expiry failed: {}", expired.error().describe());
      return;
    }
    for (const auto& id : *expired) {
      std::error_code ignored;
      std::filesystem::remove(files_->filePath(id), ignored);
    }
    if (!expired->empty()) spdlog::info("upload: expired {} file(s)", expired->size());
  }

  // Partial files of PUTs a crash or shutdown cut short (their slots expire on their own).
  void removeLeftovers() {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
      if (entry.path().extension() == ".part") {
        std::filesystem::remove(entry.path(), error);
      }
    }
  }

  const UploadSettings settings_;
  api::ModuleHost* host_ = nullptr;
  std::string serviceDomain_;
  std::string baseUrl_;
  std::filesystem::path directory_;
  std::unique_ptr<FileService> files_;
};

const api::ModuleRegistration kRegistration(api::describeModule<UploadModule>(
    "upload", "XEP-0363 HTTP File Upload: media.DOMAIN and the files under /upload (spec §8.6)",
    {"disco"}, uploadOptions()));

}  // namespace
}  // namespace kontalk::modules
