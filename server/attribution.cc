#include "server/attribution.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "server/recommender.h"

namespace shopml::server {
namespace {

constexpr size_t kRandomHexDigits = 32;

constexpr const char* kRecommendingModels[] = {kPopularityModelName,
                                               kCooccurrenceModelName};

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

}  // namespace

absl::Span<const char* const> RecommendingModelNames() {
  return kRecommendingModels;
}

std::string NewRecommendationId(absl::string_view model) {
  absl::BitGen gen;
  return absl::StrFormat("%s-%016x%016x", model, absl::Uniform<uint64_t>(gen),
                         absl::Uniform<uint64_t>(gen));
}

absl::string_view AttributedModel(absl::string_view recommendation_id) {
  const size_t dash = recommendation_id.rfind('-');
  if (dash == absl::string_view::npos ||
      recommendation_id.size() - dash - 1 != kRandomHexDigits ||
      !IsLowerHex(recommendation_id.substr(dash + 1))) {
    return kUnknownModel;
  }
  const absl::string_view model = recommendation_id.substr(0, dash);
  for (const char* known : kRecommendingModels) {
    if (model == known) return known;
  }
  return kUnknownModel;
}

const char* EventTypeLabel(v1::EventType type) {
  switch (type) {
    case v1::EVENT_TYPE_VIEW:
      return "view";
    case v1::EVENT_TYPE_ADD_TO_CART:
      return "add_to_cart";
    case v1::EVENT_TYPE_PURCHASE:
      return "purchase";
    case v1::EVENT_TYPE_RATING:
      return "rating";
    default:
      return "unspecified";
  }
}

}  // namespace shopml::server
