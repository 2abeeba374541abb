#include "storage/id_map.h"

#include <utility>

namespace shopml::storage {

std::optional<uint32_t> IdMap::Find(absl::string_view external_id) const {
  auto it = dense_.find(external_id);
  if (it == dense_.end()) return std::nullopt;
  return it->second;
}

uint32_t IdMap::Add(std::string external_id) {
  const uint32_t id = size();
  dense_.emplace(external_id, id);
  external_.push_back(std::move(external_id));
  return id;
}

uint32_t PendingIds::Resolve(const IdMap& published,
                             absl::string_view external_id) {
  if (std::optional<uint32_t> id = published.Find(external_id)) return *id;
  auto [it, inserted] = dense_.try_emplace(
      external_id, first_new_id_ + static_cast<uint32_t>(added_.size()));
  if (inserted) added_.emplace_back(external_id);
  return it->second;
}

}  // namespace shopml::storage
