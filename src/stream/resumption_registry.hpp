#pragma once
// Resumable sessions by stream-management id (XEP-0198 §5), so that a new connection — on any
// shard — can find the session it resumes.
// Threading: every method may be called from any thread (one mutex).

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace kontalk::stream {

class C2sSessionHandle;

class ResumptionRegistry {
 public:
  void add(const std::string& id, std::shared_ptr<C2sSessionHandle> session);
  std::shared_ptr<C2sSessionHandle> find(const std::string& id) const;
  // Removes the entry only if it still names `session` (a resumed session re-registers the id).
  void remove(const std::string& id, const C2sSessionHandle& session);
  std::vector<std::shared_ptr<C2sSessionHandle>> all() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<C2sSessionHandle>> sessions_;
};

}  // namespace kontalk::stream
