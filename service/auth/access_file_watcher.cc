#include "auth/access_file_watcher.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "auth";

bool SameTime(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

bool AccessFileWatcher::Version::operator==(const Version& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         SameTime(mtime, other.mtime) && SameTime(ctime, other.ctime);
}

absl::StatusOr<std::unique_ptr<AccessFileWatcher>> AccessFileWatcher::Open(
    const std::string& path, absl::Duration check_interval) {
  std::unique_ptr<AccessFileWatcher> watcher(new AccessFileWatcher(path, check_interval));
  Version version;
  absl::StatusOr<AccessConfig> config = watcher->Load(version);
  if (!config.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--auth_tokens_file ", path, ": ", config.status().message()));
  }
  LogInfo(kComponent, "access file ", path, ": ", config->tokens.size(), " token(s), ",
          config->certificates.size(), " certificate(s)");
  watcher->current_ = std::make_shared<const AccessConfig>(*std::move(config));
  watcher->loaded_ = version;
  watcher->next_check_ = absl::Now() + check_interval;
  return watcher;
}

absl::StatusOr<AccessConfig> AccessFileWatcher::Load(Version& version) const {
  std::ifstream in(path_, std::ios::binary);
  struct stat info;
  if (!in || stat(path_.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read: ", std::strerror(errno),
                     "; mount the access file there (README \"Security\")"));
  }
  version = Version{info.st_dev, info.st_ino, info.st_size, info.st_mtim, info.st_ctim};
  std::ostringstream text;
  text << in.rdbuf();
  return ParseAccessFile(text.str());
}

std::shared_ptr<const AccessConfig> AccessFileWatcher::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = absl::Now();
  if (now >= next_check_) {
    next_check_ = now + check_interval_;
    ReloadIfChanged();
  }
  return current_;
}

void AccessFileWatcher::ReloadIfChanged() {
  struct stat info;
  if (stat(path_.c_str(), &info) != 0) return;  // gone for now: keep what is in force
  const Version seen{info.st_dev, info.st_ino, info.st_size, info.st_mtim, info.st_ctim};
  if (seen == loaded_ || seen == refused_) return;
  Version read;
  absl::StatusOr<AccessConfig> config = Load(read);
  if (!config.ok()) {
    refused_ = seen;
    LogError(kComponent, "--auth_tokens_file ", path_, " changed but is refused (",
             config.status().message(), "); the previous version stays in force");
    return;
  }
  LogInfo(kComponent, "access file ", path_, " reloaded: ", config->tokens.size(), " token(s), ",
          config->certificates.size(), " certificate(s)");
  current_ = std::make_shared<const AccessConfig>(*std::move(config));
  loaded_ = read;
}

}  // namespace pluton::storage
