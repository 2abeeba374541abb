#include "core/cf/cf_matrix_proto.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>

#include "absl/strings/str_cat.h"

namespace shopml::core {

void MatrixToProto(const RowMatrixXf& matrix, model::v1::FloatMatrix* proto) {
  proto->Clear();
  proto->set_rows(static_cast<uint32_t>(matrix.rows()));
  proto->set_cols(static_cast<uint32_t>(matrix.cols()));
  proto->mutable_values()->Add(matrix.data(), matrix.data() + matrix.size());
}

absl::StatusOr<RowMatrixXf> MatrixFromProto(const model::v1::FloatMatrix& proto,
                                            absl::string_view what) {
  // 64-bit product: two uint32 sizes cannot overflow it.
  const uint64_t expected = static_cast<uint64_t>(proto.rows()) * proto.cols();
  if (static_cast<uint64_t>(proto.values_size()) != expected) {
    return absl::DataLossError(absl::StrCat(what, ": ", proto.values_size(),
                                            " values for a ", proto.rows(),
                                            " x ", proto.cols(), " matrix"));
  }
  const auto& values = proto.values();
  if (!std::all_of(values.begin(), values.end(),
                   [](float v) { return std::isfinite(v); })) {
    return absl::DataLossError(absl::StrCat(what, ": a value is not finite"));
  }
  try {
    RowMatrixXf matrix(proto.rows(), proto.cols());
    std::copy(values.begin(), values.end(), matrix.data());
    return matrix;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, ": cannot allocate a ", proto.rows(), " x ",
                     proto.cols(), " matrix"));
  }
}

}  // namespace shopml::core
