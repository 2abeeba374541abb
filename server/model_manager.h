// ModelManager: owns the serving model bundle and swaps it without dropping
// requests. Readers take a shared_ptr snapshot (Current) and keep using it even
// if a reload swaps in a newer bundle meanwhile; the old bundle is freed when
// its last reader lets go. A bundle that fails to load or verify never replaces
// the live one.
//
// Thread safety: all methods are safe to call concurrently. Reloads are
// serialised.
#ifndef SHOPML_SERVER_MODEL_MANAGER_H_
#define SHOPML_SERVER_MODEL_MANAGER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/bundle/bundle.h"

namespace shopml::server {

struct ReloadResult {
  std::string previous_version;  // Empty when nothing was loaded.
  std::string loaded_version;
  bool changed = false;
};

class ModelManager {
 public:
  // Called after every load attempt with its outcome (for metrics and logs).
  using LoadListener = std::function<void(const absl::Status& status,
                                          const core::ModelBundle* bundle)>;

  explicit ModelManager(std::string models_dir,
                        LoadListener listener = nullptr);

  // The live bundle, or nullptr before the first successful load.
  std::shared_ptr<const core::ModelBundle> Current() const;
  // When the live bundle was loaded; InfinitePast() before the first load.
  absl::Time loaded_at() const;

  // Loads `version` (empty: the newest bundle that verifies) and swaps it in.
  // NotFound when no such bundle exists; FailedPrecondition (with the cause)
  // when it fails verification, leaving the live bundle serving.
  absl::StatusOr<ReloadResult> Reload(const std::string& version);
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MODEL_MANAGER_H_
