// IdMap: the in-memory two-way map between the external string ids of one
// kind (users, items or sales series) and their dense ids 0..size()-1.
//
// Thread safety: not synchronised; the Store guards each IdMap with its mutex.
#ifndef SHOPML_STORAGE_ID_MAP_H_
#define SHOPML_STORAGE_ID_MAP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace shopml::storage {

class IdMap {
 public:
  // The dense id of `external_id`, or nullopt when it has none.
  std::optional<uint32_t> Find(absl::string_view external_id) const;

  // REQUIRES: dense_id < size().
  const std::string& ExternalId(uint32_t dense_id) const {
    return external_[dense_id];
  }

  uint32_t size() const { return static_cast<uint32_t>(external_.size()); }

  // Assigns the next dense id, size(), to `external_id` and returns it.
  // REQUIRES: Find(external_id) is nullopt.
  uint32_t Add(std::string external_id);

  const std::vector<std::string>& external_ids() const { return external_; }

 private:
  absl::flat_hash_map<std::string, uint32_t> dense_;
  std::vector<std::string> external_;
};

// The ids a write is about to assign, kept apart from the published IdMap
// until the write is durable. New ids continue from the map's size.
class PendingIds {
 public:
  explicit PendingIds(uint32_t first_new_id) : first_new_id_(first_new_id) {}

  // The dense id of `external_id`: from `published` when it has one, else the
  // id this write assigns (the same one on every call).
  uint32_t Resolve(const IdMap& published, absl::string_view external_id);

  // External ids assigned by this write, in dense id order from
  // first_new_id().
  const std::vector<std::string>& added() const { return added_; }
  uint32_t first_new_id() const { return first_new_id_; }

 private:
  uint32_t first_new_id_;
  absl::flat_hash_map<std::string, uint32_t> dense_;
  std::vector<std::string> added_;
};

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_ID_MAP_H_
