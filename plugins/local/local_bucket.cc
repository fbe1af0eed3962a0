#include "local_bucket.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <utility>

#include "local_paths.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::local_provider {
namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

pluton_error* OpenRootDir(const LocalConfig& config, UniqueFd* out) {
  const int fd = ::open(config.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    *out = UniqueFd(fd);
    return nullptr;
  }
  const int err = errno;
  if (err == ENOENT) {
    return plugin_sdk::MakeError(
        PLUTON_NOT_FOUND, "ROOT_NOT_FOUND",
        "root directory " + Quoted(config.root) + " does not exist; create it or fix config.root");
  }
  if (err == ENOTDIR) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "ROOT_NOT_A_DIRECTORY",
                                 "root " + Quoted(config.root) +
                                     " (or a directory above it) is not a directory; point "
                                     "config.root at a directory");
  }
  return ErrnoError(err, "opening root directory " + Quoted(config.root), config.root);
}

pluton_error* OpenBucketDir(const LocalConfig& config, int root_fd, const std::string& bucket,
                            UniqueFd* out) {
  const int fd = OpenDirAt(root_fd, bucket.c_str());
  if (fd >= 0) {
    *out = UniqueFd(fd);
    return nullptr;
  }
  const int err = errno;
  const std::string dir = Quoted(JoinPath(config.root, bucket));
  if (err == ENOENT) {
    return plugin_sdk::MakeError(PLUTON_NOT_FOUND, "BUCKET_NOT_FOUND",
                                 "bucket " + Quoted(bucket) + " does not exist under root " +
                                     Quoted(config.root) + " (no directory " + dir + ")");
  }
  if (err == ENOTDIR || err == ELOOP) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "BUCKET_NOT_A_DIRECTORY",
                                 dir +
                                     " exists but is not a directory (symlinks are not "
                                     "followed); remove or rename it so the bucket directory "
                                     "can be used");
  }
  return ErrnoError(err, "opening bucket directory " + dir, config.root);
}

pluton_error* OpenBucketForCall(const pluton_config* config, const char* bucket,
                                LocalConfig* config_out, UniqueFd* bucket_out) {
  if (pluton_error* error = ParseConfig(config, config_out)) return error;
  const std::string name(plugin_sdk::View(bucket));
  const std::string problem = CheckBucket(name);
  if (!problem.empty()) {
    return plugin_sdk::InvalidArgumentError({{"bucket", "bucket name " + problem}});
  }
  UniqueFd root;
  if (pluton_error* error = OpenRootDir(*config_out, &root)) return error;
  return OpenBucketDir(*config_out, root.get(), name, bucket_out);
}

int OpenKeyDirs(int bucket_fd, const std::vector<std::string>& dirs, std::vector<UniqueFd>* chain) {
  int parent = bucket_fd;
  for (const std::string& dir : dirs) {
    const int fd = OpenDirAt(parent, dir.c_str());
    if (fd < 0) {
      const int err = errno;
      // O_DIRECTORY | O_NOFOLLOW on a symlink fails with ENOTDIR (not ELOOP) on Linux: tell a
      // symlink from a file.
      struct stat st;
      if (err == ENOTDIR && ::fstatat(parent, dir.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        return ELOOP;
      }
      return err;
    }
    chain->emplace_back(fd);
    parent = fd;
  }
  return 0;
}

}  // namespace pluton::local_provider
