#include "server/segment_evaluation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/cf/implicit_als.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

// Segments are cluster counts: k-means with more is pointless.
constexpr int kMaxSegment = 100000;

absl::Status RowError(const std::string& name, int64_t line,
                      absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(name, ":", line, ": ", message));
}

}  // namespace

absl::StatusOr<std::vector<int>> ParseUserSegments(absl::string_view csv,
                                                   const std::string& name,
                                                   const storage::Store& store,
                                                   uint32_t num_users,
                                                   int64_t* unknown_users) {
  std::vector<int> segments(num_users, -1);
  int64_t unknown = 0;
  int64_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_number;
    line = absl::StripSuffix(line, "\r");
    if (line.empty()) continue;
    if (line_number == 1) {
      if (line != "user_id,segment") {
        return RowError(name, 1, "the header must be \"user_id,segment\"");
      }
      continue;
    }
    const std::pair<absl::string_view, absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(',', 1));
    int segment = -1;
    if (fields.first.empty() || !absl::SimpleAtoi(fields.second, &segment) ||
        segment < 0 || segment > kMaxSegment) {
      return RowError(name, line_number,
                      absl::StrCat("expected user_id,segment with a segment in "
                                   "[0, ",
                                   kMaxSegment, "]"));
    }
    absl::StatusOr<uint32_t> user = store.FindUser(std::string(fields.first));
    if (absl::IsNotFound(user.status()) || (user.ok() && *user >= num_users)) {
      ++unknown;
      continue;
    }
    if (!user.ok()) return user.status();
    if (segments[*user] != -1) {
      return RowError(name, line_number,
                      absl::StrCat("user '", fields.first, "' listed twice"));
    }
    segments[*user] = segment;
  }
  if (unknown_users != nullptr) *unknown_users = unknown;
  return segments;
}

absl::StatusOr<core::SegmentRecovery> MeasureAlsSegments(
    const core::Interactions& data, const core::ImplicitAlsOptions& als,
    const std::vector<int>& segments, uint64_t seed) {
  const int largest = segments.empty()
                          ? -1
                          : *std::max_element(segments.begin(), segments.end());
  if (largest < 0) {
    return absl::InvalidArgumentError(
        "segments: no user of the store has a segment");
  }
  SHOPML_ASSIGN_OR_RETURN(const core::ImplicitAls model,
                          core::ImplicitAls::Train(data, als));
  return core::MeasureSegmentRecovery(model.user_factors(), segments,
                                      largest + 1, seed);
}

}  // namespace shopml::server
