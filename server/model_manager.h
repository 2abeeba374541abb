// ModelManager: owns the serving model bundle and swaps it without dropping
// requests. Readers take a shared_ptr snapshot (Current) and keep using it even
// if a reload swaps in a newer bundle meanwhile; the old bundle is freed when
// its last reader lets go. A bundle that fails to load or verify never replaces
// the live one.
//
// Loading happens outside the lock readers take, so Current() never waits for
// a load; reloads are serialised by a second mutex. An optional poller thread
// loads bundles published after the live one.
//
// Work that is not a request's stays off the request threads: ReloadAsync
// loads on a background thread of lower CPU priority (server/
// background_worker.h), the poller runs at that priority too, and a retired
// bundle is destroyed on that thread, not by the request that happened to
// release it last.
//
// Thread safety: all methods are safe to call concurrently. Reloads are
// serialised.
#ifndef SHOPML_SERVER_MODEL_MANAGER_H_
#define SHOPML_SERVER_MODEL_MANAGER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/bundle/bundle.h"
#include "server/background_worker.h"

namespace shopml::server {

struct ReloadResult {
  std::string previous_version;  // Empty when nothing was loaded.
  std::string loaded_version;
  bool changed = false;
};

class ModelManager {
 public:
  // Called after every load attempt with its outcome (for metrics, logs and
  // health): on success `bundle` is the bundle now live, on failure it is
  // null. Called on the reloading thread with no ModelManager lock held
  // except the reload mutex, so it may call Current() but not Reload().
  using LoadListener = std::function<void(const absl::Status& status,
                                          const core::ModelBundle* bundle)>;

  explicit ModelManager(std::string models_dir,
                        LoadListener listener = nullptr);
  // Stops the poller if it runs.
  ~ModelManager();
  ModelManager(const ModelManager&) = delete;
  ModelManager& operator=(const ModelManager&) = delete;

  const std::string& models_dir() const { return models_dir_; }

  // The live bundle, or nullptr before the first successful load.
  std::shared_ptr<const core::ModelBundle> Current() const;
  // The live bundle for an RPC that needs one: FailedPrecondition
  // "no model bundle loaded; run `shopml train`" before the first load.
  absl::StatusOr<std::shared_ptr<const core::ModelBundle>> RequireCurrent()
      const;
  // When the live bundle was loaded; InfinitePast() before the first load.
  absl::Time loaded_at() const;

  // The most recent failed load attempt: its error and when it happened.
  struct LoadError {
    std::string message;  // Empty when no attempt has failed.
    absl::Time at = absl::InfinitePast();
  };
  LoadError last_load_error() const;

  // Loads `version` (empty: the newest bundle in models_dir) and swaps it in.
  // Returns changed=false without loading when that version is already live.
  // NotFound when no such bundle exists; FailedPrecondition
  // "bundle <v> failed verification: <cause>" when it fails to load or
  // verify, leaving the live bundle serving.
  absl::StatusOr<ReloadResult> Reload(const std::string& version);
  // Reload(version) on the background thread; `done` gets its result there.
  // After the manager began shutting down, runs on the calling thread.
  void ReloadAsync(const std::string& version,
                   std::function<void(absl::StatusOr<ReloadResult>)> done);

  // Loads the newest bundle that verifies, falling back to older ones when
  // newer ones fail (each failure reported to the listener): what start-up
  // wants. NotFound when models_dir holds no bundle; FailedPrecondition when
  // none verifies.
  absl::StatusOr<ReloadResult> LoadNewestValid();

  // Starts a thread that every `interval` loads the newest bundle in
  // models_dir when it is newer than the live one. A version that failed is
  // not retried until a newer one appears. REQUIRES: interval > 0; not
  // already polling.
  void StartPolling(absl::Duration interval);
  // Stops and joins the poller; no-op when it does not run.
  void StopPolling();

 private:
  // Loads `version` and, when it verifies, makes it live.
  absl::StatusOr<ReloadResult> LoadAndSwap(const std::string& version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);
  // `bundle` behind a pointer whose last release hands it to worker_ to
  // destroy.
  std::shared_ptr<const core::ModelBundle> Retiring(
      std::shared_ptr<const core::ModelBundle> bundle) const;
  void PollOnce();
  void PollLoop(absl::Duration interval);
  std::string CurrentVersion() const;

  const std::string models_dir_;
  const LoadListener listener_;
  // Shared with the deleters of the bundles it loaded (see Retiring), which
  // may outlive the manager.
  const std::shared_ptr<BackgroundWorker> worker_;

  absl::Mutex reload_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Newest version the poller tried and failed to load.
  std::string poll_failed_version_ ABSL_GUARDED_BY(reload_mu_);

  mutable absl::Mutex mu_;
  std::shared_ptr<const core::ModelBundle> current_ ABSL_GUARDED_BY(mu_);
  absl::Time loaded_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  LoadError last_error_ ABSL_GUARDED_BY(mu_);

  absl::Mutex poll_mu_;
  absl::CondVar poll_wake_;  // Signalled by StopPolling.
  bool stop_polling_ ABSL_GUARDED_BY(poll_mu_) = false;
  std::thread poller_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MODEL_MANAGER_H_
