// AccessFileWatcher: the access file (auth/access_file.h) as it is now on disk.
//
// The file is read at start (a missing or broken file stops the start) and re-read when it
// changes: at most once per `check_interval`, a call to Current() stats the path (following
// symlinks, as Kubernetes swaps a Secret's files) and re-reads it when its inode, size, mtime
// or ctime changed. A new version that does not parse is refused with one error line naming
// the file and the problem; the previous version stays in force until a good one appears.
//
// Thread safety: Current() may be called concurrently; a returned config is immutable and
// stays valid as long as the caller holds it.
#ifndef PLUTON_SERVICE_AUTH_ACCESS_FILE_WATCHER_H_
#define PLUTON_SERVICE_AUTH_ACCESS_FILE_WATCHER_H_

#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "auth/access_file.h"

namespace pluton::storage {

class AccessFileWatcher {
 public:
  // Reads `path`. FAILED_PRECONDITION naming --auth_tokens_file and the problem.
  static absl::StatusOr<std::unique_ptr<AccessFileWatcher>> Open(const std::string& path,
                                                                 absl::Duration check_interval);

  // The access config in force, re-read first when the file changed (see above).
  std::shared_ptr<const AccessConfig> Current();

 private:
  // What identifies one version of the file.
  struct Version {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
    timespec ctime{};
    bool operator==(const Version& other) const;
  };

  AccessFileWatcher(std::string path, absl::Duration check_interval)
      : path_(std::move(path)), check_interval_(check_interval) {}
  // Reads and parses the file; sets `version` to what was read.
  absl::StatusOr<AccessConfig> Load(Version& version) const;
  void ReloadIfChanged();  // REQUIRES: mu_ held

  const std::string path_;
  const absl::Duration check_interval_;
  std::mutex mu_;
  std::shared_ptr<const AccessConfig> current_;   // guarded by mu_
  Version loaded_;                                // guarded by mu_: version of current_
  Version refused_;                               // guarded by mu_: last version refused
  absl::Time next_check_ = absl::InfinitePast();  // guarded by mu_
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_AUTH_ACCESS_FILE_WATCHER_H_
