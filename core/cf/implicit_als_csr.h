// The observed part of implicit ALS's confidence matrix in CSR form, built
// once per training run from the events (user-major) and transposed for the
// item sweeps. Internal to core/cf/implicit_als*.
//
// Thread safety: immutable after construction; safe to share.
#ifndef SHOPML_CORE_CF_IMPLICIT_ALS_CSR_H_
#define SHOPML_CORE_CF_IMPLICIT_ALS_CSR_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "core/cf/implicit_als_options.h"
#include "core/data/interactions.h"

namespace shopml::core::implicit_als_internal {

// Observed entries of a sparse rows x cols matrix in CSR form: row r holds
// indices[offsets[r] .. offsets[r + 1]) (ascending) with confidences
// confidence[...] (each c >= 1; p = 1 for every stored entry).
struct ConfidenceCsr {
  uint32_t rows = 0;
  uint32_t cols = 0;
  std::vector<uint64_t> offsets = {0};  // Size rows + 1.
  std::vector<uint32_t> indices;
  std::vector<float> confidence;

  uint64_t nnz() const { return offsets.back(); }
  absl::Span<const uint32_t> RowIndices(uint32_t r) const {
    return absl::MakeConstSpan(indices.data() + offsets[r],
                               offsets[r + 1] - offsets[r]);
  }
  absl::Span<const float> RowConfidence(uint32_t r) const {
    return absl::MakeConstSpan(confidence.data() + offsets[r],
                               offsets[r + 1] - offsets[r]);
  }
};

// The same entries, column-major: rows x cols becomes cols x rows. Within a
// row of the result, indices ascend. Throws std::bad_alloc as above.
ConfidenceCsr Transpose(const ConfidenceCsr& csr);

// The user x item matrix of `data`: one entry per (user, item) pair whose
// weight w (implicit_als_options.h; summed in double in event order, rounded
// to float as AlsItemWeights does) is > 0, with c = AlsConfidence(w).
// Throws std::bad_alloc if memory runs out (the public entry points turn it
// into ResourceExhausted).
// REQUIRES: CheckInteractions(data) and CheckImplicitAlsOptions(options) are
// OK; data.events.size() < 2^32.
ConfidenceCsr BuildUserItemCsr(const Interactions& data,
                               const ImplicitAlsOptions& options);

}  // namespace shopml::core::implicit_als_internal

#endif  // SHOPML_CORE_CF_IMPLICIT_ALS_CSR_H_
