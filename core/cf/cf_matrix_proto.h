// Conversion between the factor models' dense matrices (RowMatrixXf) and the
// FloatMatrix message of their model files (factors.proto), with the checks a
// reader needs.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_CF_CF_MATRIX_PROTO_H_
#define SHOPML_CORE_CF_CF_MATRIX_PROTO_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/index/types.h"
#include "shopml/model/v1/factors.pb.h"

namespace shopml::core {

// Writes `matrix` row-major into `proto`, replacing its contents. The floats
// are copied bit for bit.
void MatrixToProto(const RowMatrixXf& matrix, model::v1::FloatMatrix* proto);

// The matrix `proto` holds. DataLoss "<what>: ..." when values does not hold
// exactly rows * cols entries or one of them is not finite;
// ResourceExhausted when the matrix cannot be allocated.
absl::StatusOr<RowMatrixXf> MatrixFromProto(const model::v1::FloatMatrix& proto,
                                            absl::string_view what);

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_CF_MATRIX_PROTO_H_
