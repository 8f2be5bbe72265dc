#include "modules/upload/file_service.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "api/http_range.hpp"
#include "base/unix_time.hpp"
#include "modules/upload/upload_metrics.hpp"
#include "modules/upload/upload_names.hpp"

namespace kontalk::modules::upload {
namespace {

using api::HttpResponse;

constexpr const char* kDefaultType = "application/octet-stream";

std::string systemError(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Spec §8.7: every GET and PUT answer may be read by a web page of any origin.
HttpResponse withCors(HttpResponse response) {
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

HttpResponse plain(int status, std::string text) {
  return withCors(HttpResponse::plain(status, std::move(text)));
}

// A stored file, read with pread (no shared offset: one descriptor serves one response).
class StoredFile final : public api::HttpFile {
 public:
  explicit StoredFile(int fd) : fd_(fd) {}
  ~StoredFile() override { ::close(fd_); }
  Result<std::size_t> read(std::uint64_t offset, char* buffer, std::size_t size) override {
    for (;;) {
      const auto bytes = ::pread(fd_, buffer, size, static_cast<off_t>(offset));
      if (bytes >= 0) {
        uploadMetrics().bytesServed.increment(static_cast<std::uint64_t>(bytes));
        return static_cast<std::size_t>(bytes);
      }
      if (errno != EINTR) return failure(StatusCode::Unavailable, systemError("read"));
    }
  }

 private:
  int fd_;
};

// The body of one PUT, written to ID.part.
class UploadSink final : public api::HttpBodySink {
 public:
  UploadSink(FileService& files, api::ModuleHost& host, std::string id, int fd,
             std::string contentType)
      : files_(files),
        host_(host),
        id_(std::move(id)),
        fd_(fd),
        contentType_(std::move(contentType)) {}

  ~UploadSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (finished_) return;
    // Cut short (spec §8.7): no partial file stays, and the slot may be used again.
    host_.runBlocking([host = &host_, part = files_.partPath(id_), id = id_] {
      std::error_code ignored;
      std::filesystem::remove(part, ignored);
      if (auto abandoned = host->storage().uploads().abandon(id); !abandoned) {
        spdlog::warn("upload: cannot reopen slot {}: {}", id, abandoned.error().describe());
      }
    });
  }

  Result<void> write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const auto written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return failure(StatusCode::Unavailable, systemError("write " + id_));
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
      uploadMetrics().bytesReceived.increment(static_cast<std::uint64_t>(written));
    }
    return {};
  }

  HttpResponse finish() override {
    finished_ = true;
    const auto part = files_.partPath(id_);
    const bool synced = ::fsync(fd_) == 0;
    ::close(fd_);
    fd_ = -1;
    std::error_code error;
    if (synced) std::filesystem::rename(part, files_.filePath(id_), error);
    if (!synced || error) {
      spdlog::error("upload: cannot store {}: {}", id_,
                    synced ? error.message() : systemError("fsync"));
      std::filesystem::remove(part, error);
      (void)host_.storage().uploads().abandon(id_);
      return plain(500, "Cannot store the file");
    }
    syncDirectory(files_.filePath(id_).parent_path());
    auto stored = host_.storage().uploads().markStored(id_, base::unixNow(), contentType_);
    if (!stored || !*stored) {
      // The slot expired while its body arrived: the file goes with it.
      std::filesystem::remove(files_.filePath(id_), error);
      if (!stored) {
        spdlog::error("upload: cannot record {}: {}", id_, stored.error().describe());
        return plain(500, "Cannot record the file");
      }
      return plain(403, "The slot expired");
    }
    uploadMetrics().filesStored.increment();
    // Spec §8.7: 200, not XEP-0363's 201: the Android client fails on anything but 200.
    return withCors(HttpResponse{});
  }

 private:
  // The rename is durable only once the directory is (fsync(2)).
  static void syncDirectory(const std::filesystem::path& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
  }

  FileService& files_;
  api::ModuleHost& host_;
  const std::string id_;
  int fd_;
  const std::string contentType_;
  bool finished_ = false;
};

}  // namespace

FileService::FileService(const UploadSettings& settings, api::ModuleHost& host,
                         std::filesystem::path directory)
    : settings_(settings), host_(host), directory_(std::move(directory)) {}

api::HttpAnswer FileService::handle(const api::HttpRequest& request) {
  if (request.method == "OPTIONS") {
    // Spec §8.7: CORS preflight.
    auto response = withCors(HttpResponse{});
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, PUT, OPTIONS");
    response.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
    return {std::move(response), nullptr};
  }
  if (request.method == "PUT") return put(request);
  if (request.method == "GET" || request.method == "HEAD") return {get(request), nullptr};
  auto response = plain(405, "Method not allowed");
  response.headers.emplace_back("Allow", "GET, HEAD, PUT, OPTIONS");
  return {std::move(response), nullptr};
}

api::HttpAnswer FileService::put(const api::HttpRequest& request) {
  const auto refuse = [&](int status, std::string text) {
    spdlog::info("upload: PUT from {} refused ({}): {}", request.peer, status, text);
    return api::HttpAnswer{plain(status, std::move(text)), nullptr};
  };
  if (request.path.size() != 2 || !isSlotId(request.path[0])) {
    return refuse(403, "No such slot");
  }
  const auto& id = request.path[0];
  auto found = store().find(id);
  if (!found) {
    spdlog::error("upload: cannot read slot {}: {}", id, found.error().describe());
    return {plain(500, "Cannot read the slot"), nullptr};
  }
  const auto& slot = *found;
  if (!slot || slot->name != request.path[1]) return refuse(403, "No such slot");
  if (slot->state != storage::UploadState::Slot) return refuse(409, "The slot was used");
  if (slot->createdAt + settings_.slotTtl.count() <= base::unixNow()) {
    return refuse(403, "The slot expired");
  }
  if (request.chunked || !request.contentLength) return refuse(411, "Content-Length required");
  if (*request.contentLength != slot->size) {
    return refuse(400, "Content-Length " + std::to_string(*request.contentLength) +
                           " is not the slot's size " + std::to_string(slot->size));
  }
  const std::string contentType = request.hasHeader("content-type")
                                      ? std::string(request.header("content-type"))
                                      : kDefaultType;
  const auto type = mediaType(contentType);
  if (type.empty()) return refuse(400, "Content-Type is not a media type");
  if (!slot->contentType.empty() && type != mediaType(slot->contentType)) {
    return refuse(400, "Content-Type " + type + " is not the slot's " + slot->contentType);
  }
  auto claimed = store().startReceiving(id);
  if (!claimed) {
    spdlog::error("upload: cannot claim slot {}: {}", id, claimed.error().describe());
    return {plain(500, "Cannot claim the slot"), nullptr};
  }
  if (!*claimed) return refuse(409, "The slot is being used");
  const int fd = ::open(partPath(id).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    spdlog::error("upload: {}", systemError("cannot create " + partPath(id).string()));
    (void)store().abandon(id);
    return {plain(500, "Cannot create the file"), nullptr};
  }
  spdlog::info("upload: receiving {} bytes for slot {} of {} from {}", slot->size, id, slot->owner,
               request.peer);
  return {HttpResponse{}, std::make_unique<UploadSink>(*this, host_, id, fd, type)};
}

HttpResponse FileService::get(const api::HttpRequest& request) {
  const auto notFound = [&] { return plain(404, "Not found"); };
  if (request.path.size() != 2 || !isSlotId(request.path[0])) return notFound();
  const auto& id = request.path[0];
  auto found = store().find(id);
  if (!found) {
    spdlog::error("upload: cannot read slot {}: {}", id, found.error().describe());
    return plain(500, "Cannot read the file's record");
  }
  const auto& row = *found;
  if (!row || row->name != request.path[1] || row->state != storage::UploadState::Stored ||
      row->storedAt + settings_.maxAge.count() <= base::unixNow()) {
    return notFound();
  }
  const int fd = ::open(filePath(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    spdlog::warn("upload: {}", systemError("stored file " + id + " is missing"));
    return notFound();
  }
  auto file = std::make_shared<StoredFile>(fd);
  struct stat status {};
  if (::fstat(fd, &status) != 0 || static_cast<std::uint64_t>(status.st_size) != row->size) {
    spdlog::error("upload: stored file {} is not {} bytes long", id, row->size);
    return notFound();
  }
  const std::string type = row->contentType.empty() ? kDefaultType : row->contentType;
  HttpResponse response = withCors(HttpResponse{});
  response.headers.emplace_back("Content-Type", type);
  response.headers.emplace_back("Accept-Ranges", "bytes");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Content-Security-Policy", "default-src 'none'");
  if (!mediaType(type).starts_with("image/")) {
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + row->name + "\"");
  }
  const auto range = api::selectRange(request.header("range"), row->size);
  const auto total = std::to_string(row->size);
  if (range.kind == api::RangeKind::Unsatisfiable) {
    response.status = 416;
    response.headers.emplace_back("Content-Range", "bytes */" + total);
    return response;
  }
  response.file = std::move(file);
  response.fileOffset = 0;
  response.fileLength = row->size;
  if (range.kind == api::RangeKind::Partial) {
    response.status = 206;
    response.fileOffset = range.first;
    response.fileLength = range.last - range.first + 1;
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                       std::to_string(range.last) + "/" + total);
  }
  return response;
}

}  // namespace kontalk::modules::upload
