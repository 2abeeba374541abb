#include "tests/fuzz/batch_checks.h"

#include "storage/validation.h"
#include "tests/fuzz/fuzz_util.h"

namespace shopml::fuzz {

void CheckBatchIsStorable(const storage::WriteBatchInput& batch) {
  for (const auto& item : batch.items) {
    CheckOk(storage::ValidateItemRecord(item), "accepted item");
  }
  for (const auto& user : batch.users) {
    CheckOk(storage::ValidateUserRecord(user), "accepted user");
  }
  for (const auto& event : batch.events) {
    CheckOk(storage::ValidateEvent(event), "accepted event");
  }
  for (const auto& sale : batch.sales) {
    CheckOk(storage::ValidateSale(sale), "accepted sale");
  }
}

}  // namespace shopml::fuzz
