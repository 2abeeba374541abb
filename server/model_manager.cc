#include "server/model_manager.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

absl::Status NoBundleError(const std::string& models_dir) {
  return absl::NotFoundError(
      absl::StrCat("no model bundle in ", models_dir, "; run `shopml train`"));
}

}  // namespace

ModelManager::ModelManager(std::string models_dir, LoadListener listener)
    : models_dir_(std::move(models_dir)),
      listener_(std::move(listener)),
      worker_(std::make_shared<BackgroundWorker>()) {}

ModelManager::~ModelManager() {
  StopPolling();
  // Runs the reloads still queued; bundles released from now on are
  // destroyed by whoever releases them.
  worker_->Stop();
}

std::shared_ptr<const core::ModelBundle> ModelManager::Retiring(
    std::shared_ptr<const core::ModelBundle> bundle) const {
  const core::ModelBundle* raw = bundle.get();
  return std::shared_ptr<const core::ModelBundle>(
      raw, [worker = worker_,
            held = std::move(bundle)](const core::ModelBundle*) mutable {
        // Destroying a bundle frees every model's memory: milliseconds for a
        // large one, not a cost for the request that let go of it last.
        auto job = [retired = std::move(held)]() mutable { retired.reset(); };
        if (!worker->Post(std::move(job))) held.reset();
      });
}

void ModelManager::ReloadAsync(
    const std::string& version,
    std::function<void(absl::StatusOr<ReloadResult>)> done) {
  auto job = [this, version, done] { done(Reload(version)); };
  if (!worker_->Post(job)) job();
}

std::shared_ptr<const core::ModelBundle> ModelManager::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::StatusOr<std::shared_ptr<const core::ModelBundle>>
ModelManager::RequireCurrent() const {
  std::shared_ptr<const core::ModelBundle> current = Current();
  if (current == nullptr) {
    return absl::FailedPreconditionError(
        "no model bundle loaded; run `shopml train`");
  }
  return current;
}

absl::Time ModelManager::loaded_at() const {
  absl::MutexLock lock(&mu_);
  return loaded_at_;
}

ModelManager::LoadError ModelManager::last_load_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

std::string ModelManager::CurrentVersion() const {
  std::shared_ptr<const core::ModelBundle> current = Current();
  return current == nullptr ? std::string() : current->version();
}

absl::StatusOr<ReloadResult> ModelManager::Reload(const std::string& version) {
  absl::MutexLock reload_lock(&reload_mu_);
  std::string target = version;
  if (target.empty()) {
    SHOPML_ASSIGN_OR_RETURN(std::vector<std::string> versions,
                            core::ModelBundle::ListVersions(models_dir_));
    if (versions.empty()) return NoBundleError(models_dir_);
    target = versions.front();
  }
  const std::string live = CurrentVersion();
  if (live == target) return ReloadResult{live, live, /*changed=*/false};
  return LoadAndSwap(target);
}

absl::StatusOr<ReloadResult> ModelManager::LoadNewestValid() {
  absl::MutexLock reload_lock(&reload_mu_);
  absl::StatusOr<std::vector<std::string>> versions =
      core::ModelBundle::ListVersions(models_dir_);
  if (!versions.ok() || versions->empty()) return NoBundleError(models_dir_);
  const std::string live = CurrentVersion();
  absl::Status newest_error;
  for (const std::string& version : *versions) {
    if (version == live) return ReloadResult{live, live, /*changed=*/false};
    absl::StatusOr<ReloadResult> result = LoadAndSwap(version);
    if (result.ok()) return result;
    if (newest_error.ok()) newest_error = result.status();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("no model bundle in ", models_dir_,
                   " verifies; newest: ", newest_error.message()));
}

absl::StatusOr<ReloadResult> ModelManager::LoadAndSwap(
    const std::string& version) {
  absl::StatusOr<std::shared_ptr<const core::ModelBundle>> loaded =
      core::ModelBundle::Load(models_dir_, version);
  if (!loaded.ok()) {
    absl::Status status =
        absl::IsNotFound(loaded.status())
            ? absl::NotFoundError(absl::StrCat("bundle ", version,
                                               " not found in ", models_dir_))
            : absl::FailedPreconditionError(absl::StrCat(
                  "bundle ", version,
                  " failed verification: ", loaded.status().message()));
    {
      absl::MutexLock lock(&mu_);
      last_error_ = LoadError{std::string(status.message()), absl::Now()};
    }
    if (listener_) listener_(status, nullptr);
    return status;
  }
  const std::shared_ptr<const core::ModelBundle> live =
      Retiring(*std::move(loaded));
  std::shared_ptr<const core::ModelBundle> previous;
  {
    absl::MutexLock lock(&mu_);
    previous = std::exchange(current_, live);
    loaded_at_ = absl::Now();
  }
  if (listener_) listener_(absl::OkStatus(), live.get());
  // `previous` is released here, outside mu_; readers may still hold it.
  return ReloadResult{previous == nullptr ? "" : previous->version(), version,
                      /*changed=*/true};
}

void ModelManager::PollOnce() {
  absl::StatusOr<std::vector<std::string>> versions =
      core::ModelBundle::ListVersions(models_dir_);
  if (!versions.ok() || versions->empty()) return;
  const std::string& newest = versions->front();
  absl::MutexLock reload_lock(&reload_mu_);
  // Versions sort by age, so only a newer one is worth loading; one that
  // failed stays skipped until an even newer one is published.
  if (newest <= CurrentVersion() || newest <= poll_failed_version_) return;
  if (!LoadAndSwap(newest).ok()) poll_failed_version_ = newest;
}

void ModelManager::PollLoop(absl::Duration interval) {
  LowerCurrentThreadPriority(10);
  absl::MutexLock lock(&poll_mu_);
  while (true) {
    // A CondVar wait rather than Mutex::AwaitWithTimeout, so that
    // ThreadSanitizer sees stop_polling_ read under the lock (see
    // server/work_pool.cc).
    const absl::Time next_poll = absl::Now() + interval;
    while (!stop_polling_ &&
           !poll_wake_.WaitWithDeadline(&poll_mu_, next_poll)) {
    }
    if (stop_polling_) return;
    poll_mu_.Unlock();
    PollOnce();
    poll_mu_.Lock();
  }
}

void ModelManager::StartPolling(absl::Duration interval) {
  {
    absl::MutexLock lock(&poll_mu_);
    stop_polling_ = false;
  }
  poller_ = std::thread([this, interval] { PollLoop(interval); });
}

void ModelManager::StopPolling() {
  if (!poller_.joinable()) return;
  {
    absl::MutexLock lock(&poll_mu_);
    stop_polling_ = true;
  }
  poll_wake_.SignalAll();
  poller_.join();
}

}  // namespace shopml::server
