// Segment recovery on a store: implicit ALS trained on all its events, its
// user vectors clustered and compared with known segments read from a CSV
// file of user_id,segment rows (the demo shop's truth_user_segments.csv);
// see core/eval/segment_recovery.h for the measure.
//
// Thread safety: stateless.
#ifndef SHOPML_SERVER_SEGMENT_EVALUATION_H_
#define SHOPML_SERVER_SEGMENT_EVALUATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/cf/implicit_als_options.h"
#include "core/data/interactions.h"
#include "core/eval/segment_recovery.h"
#include "storage/store.h"

namespace shopml::server {

// The segment of each dense user id, -1 where `csv` does not say; size
// num_users. `csv` has the header "user_id,segment" and one row per user;
// segments are integers in [0, 100000]. Users the store does not know are
// skipped and counted in `*unknown_users` when it is not null. InvalidArgument
// "<name>:<line>: ..." for a malformed row or a user listed twice.
absl::StatusOr<std::vector<int>> ParseUserSegments(
    absl::string_view csv, const std::string& name, const storage::Store& store,
    uint32_t num_users, int64_t* unknown_users = nullptr);

// Trains implicit ALS with `als` on `data`, then measures how its user
// vectors recover `segments` (ParseUserSegments), with as many clusters as
// the largest segment + 1. InvalidArgument when no user has a segment.
absl::StatusOr<core::SegmentRecovery> MeasureAlsSegments(
    const core::Interactions& data, const core::ImplicitAlsOptions& als,
    const std::vector<int>& segments, uint64_t seed);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SEGMENT_EVALUATION_H_
