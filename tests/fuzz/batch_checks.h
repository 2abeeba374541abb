// Invariant shared by the fuzz targets that build store batches (CSV rows and
// ingest requests): everything a parser accepts, Store::Write accepts too.
#ifndef SHOPML_TESTS_FUZZ_BATCH_CHECKS_H_
#define SHOPML_TESTS_FUZZ_BATCH_CHECKS_H_

#include "storage/store.h"

namespace shopml::fuzz {

// Aborts unless every entry of `batch` passes storage/validation.h.
void CheckBatchIsStorable(const storage::WriteBatchInput& batch);

}  // namespace shopml::fuzz

#endif  // SHOPML_TESTS_FUZZ_BATCH_CHECKS_H_
