// SHOPML_RETURN_IF_ERROR and SHOPML_ASSIGN_OR_RETURN: early returns for
// absl::Status and absl::StatusOr, which the Abseil release we build with does
// not provide.
//
//   SHOPML_RETURN_IF_ERROR(store->Write(batch));
//   SHOPML_ASSIGN_OR_RETURN(auto model, PopularityModel::Load(path));
#ifndef SHOPML_CORE_UTIL_STATUS_MACROS_H_
#define SHOPML_CORE_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SHOPML_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status shopml_status_ = (expr);          \
    if (!shopml_status_.ok()) return shopml_status_; \
  } while (false)

#define SHOPML_STATUS_CONCAT_INNER_(a, b) a##b
#define SHOPML_STATUS_CONCAT_(a, b) SHOPML_STATUS_CONCAT_INNER_(a, b)

#define SHOPML_ASSIGN_OR_RETURN(lhs, expr) \
  SHOPML_ASSIGN_OR_RETURN_IMPL_(           \
      SHOPML_STATUS_CONCAT_(shopml_statusor_, __LINE__), lhs, expr)

#define SHOPML_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // SHOPML_CORE_UTIL_STATUS_MACROS_H_
