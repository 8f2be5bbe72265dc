#include "config/document_diff.hpp"

#include <set>

namespace kontalk::config {
namespace {

bool sameValue(const Value& a, const Value& b) {
  if (a.data.index() != b.data.index()) return false;
  if (const auto* array = a.array()) {
    const auto& other = *b.array();
    if (array->size() != other.size()) return false;
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (!sameValue((*array)[i], other[i])) return false;
    }
    return true;
  }
  if (const auto* table = a.table()) {
    const auto& other = *b.table();
    if (table->size() != other.size()) return false;
    for (const auto& [key, value] : *table) {
      const auto found = other.find(key);
      if (found == other.end() || !sameValue(value, found->second)) return false;
    }
    return true;
  }
  // Scalars of the same type (line numbers differ after any edit above them).
  if (const auto* flag = a.boolean()) return *flag == *b.boolean();
  if (const auto* number = a.integer()) return *number == *b.integer();
  if (const auto* number = a.floating()) return *number == *b.floating();
  return *a.string() == *b.string();
}

void collect(const Value* before, const Value* after, const std::string& prefix,
             std::set<std::string>& changed) {
  const auto* beforeTable = before != nullptr ? before->table() : nullptr;
  const auto* afterTable = after != nullptr ? after->table() : nullptr;
  // Both tables (or one missing and the other a table): descend, so that keys are named.
  if ((beforeTable != nullptr || before == nullptr) &&
      (afterTable != nullptr || after == nullptr) &&
      (beforeTable != nullptr || afterTable != nullptr)) {
    std::set<std::string> keys;
    if (beforeTable != nullptr) {
      for (const auto& [key, value] : *beforeTable) keys.insert(key);
    }
    if (afterTable != nullptr) {
      for (const auto& [key, value] : *afterTable) keys.insert(key);
    }
    for (const auto& key : keys) {
      const Value* left = nullptr;
      const Value* right = nullptr;
      if (beforeTable != nullptr) {
        if (auto found = beforeTable->find(key); found != beforeTable->end()) left = &found->second;
      }
      if (afterTable != nullptr) {
        if (auto found = afterTable->find(key); found != afterTable->end()) right = &found->second;
      }
      collect(left, right, prefix.empty() ? key : prefix + "." + key, changed);
    }
    return;
  }
  if (before == nullptr || after == nullptr || !sameValue(*before, *after)) changed.insert(prefix);
}

}  // namespace

std::vector<std::string> changedKeys(const Value& before, const Value& after) {
  std::set<std::string> changed;
  collect(&before, &after, "", changed);
  return {changed.begin(), changed.end()};
}

}  // namespace kontalk::config
