#include "server/history.h"

#include "absl/strings/str_cat.h"

namespace shopml::server {

absl::StatusOr<core::EventType> ToEventType(storage::EventKind kind) {
  switch (kind) {
    case storage::EventKind::kView:
      return core::EventType::kView;
    case storage::EventKind::kAddToCart:
      return core::EventType::kAddToCart;
    case storage::EventKind::kPurchase:
      return core::EventType::kPurchase;
    case storage::EventKind::kRating:
      return core::EventType::kRating;
  }
  return absl::DataLossError(
      absl::StrCat("store event has unknown kind ", static_cast<int>(kind)));
}

absl::StatusOr<core::Interaction> ToInteraction(
    const storage::StoredEvent& stored) {
  absl::StatusOr<core::EventType> type = ToEventType(stored.kind);
  if (!type.ok()) return type.status();
  core::Interaction e;
  e.user = stored.user;
  e.item = stored.item;
  e.time_micros = stored.time_micros;
  e.type = *type;
  e.rating = static_cast<float>(stored.rating);
  e.quantity = stored.quantity;
  return e;
}

absl::StatusOr<std::vector<core::Interaction>> ToInteractions(
    absl::Span<const storage::StoredEvent> history) {
  std::vector<core::Interaction> out;
  out.reserve(history.size());
  for (const storage::StoredEvent& stored : history) {
    absl::StatusOr<core::Interaction> e = ToInteraction(stored);
    if (!e.ok()) return e.status();
    out.push_back(*e);
  }
  return out;
}

}  // namespace shopml::server
