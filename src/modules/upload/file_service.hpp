#pragma once
// The HTTP side of uploads (spec §8.7): PUT stores a slot's file, GET and HEAD serve it (one byte
// range allowed), OPTIONS answers CORS preflights. Files live in one directory, named by slot id
// only: the URL's name is compared with the slot's, never used as a path. A body goes to
// ID.part, is fsynced and renamed to ID, and only then is the row marked stored; a PUT cut short
// removes ID.part and hands the slot back for another try until slot_ttl.
//
// Threading: handle() and the sinks and files it returns run on HTTP worker threads (see
// api/http_routes.hpp) and may block; several requests run at once (the store and the file
// system serialize what must be).

#include <filesystem>
#include <string>

#include "api/http_routes.hpp"
#include "api/module_host.hpp"
#include "modules/upload/upload_settings.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::upload {

class FileService {
 public:
  // `host` gives the store (on the HTTP worker that runs handle()) and runs clean-up work later
  // (the sink of a cut-short PUT is destroyed where its connection lives, which must not
  // block). All given must outlive the service.
  FileService(const UploadSettings& settings, api::ModuleHost& host,
              std::filesystem::path directory);

  api::HttpAnswer handle(const api::HttpRequest& request);

  // The file of slot `id` (stored or partial).
  std::filesystem::path filePath(const std::string& id) const { return directory_ / id; }
  std::filesystem::path partPath(const std::string& id) const {
    return directory_ / (id + ".part");
  }

 private:
  api::HttpAnswer put(const api::HttpRequest& request);
  api::HttpResponse get(const api::HttpRequest& request);

  storage::UploadStore& store() { return host_.storage().uploads(); }

  const UploadSettings& settings_;
  api::ModuleHost& host_;
  const std::filesystem::path directory_;
};

}  // namespace kontalk::modules::upload
