#include "local_stat.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "local_bucket.h"
#include "local_config.h"
#include "local_fs.h"
#include "local_paths.h"
#include "local_xattr.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::local_provider {
namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

pluton_error* NoObject(const std::string& key, const std::string& bucket, const std::string& why) {
  return plugin_sdk::MakeError(PLUTON_NOT_FOUND, "OBJECT_NOT_FOUND",
                               "no object " + Quoted(key) + " in bucket " + Quoted(bucket) + why);
}

// Reads content type and user metadata; attributes that cannot be read are left out.
void ReadUploadAttributes(int fd, plugin_sdk::ObjectStat* stat) {
  std::string value;
  if (ReadXattr(fd, kContentTypeXattr, &value) == 0) stat->content_type = std::move(value);
  std::vector<std::string> names;
  if (ListXattrNames(fd, &names) != 0) return;
  const size_t prefix_length = std::strlen(kMetaXattrPrefix);
  for (const std::string& name : names) {
    if (name.size() <= prefix_length || name.compare(0, prefix_length, kMetaXattrPrefix) != 0) {
      continue;
    }
    if (ReadXattr(fd, name.c_str(), &value) != 0) continue;  // removed meanwhile
    stat->metadata.emplace_back(name.substr(prefix_length), std::move(value));
  }
  std::sort(stat->metadata.begin(), stat->metadata.end());
}

}  // namespace

pluton_error* StatObject(const pluton_config* config, const pluton_object_params* params,
                         pluton_object_stat** out) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_object_params, key)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "stat_object needs pluton_object_params with bucket and key; "
                                 "this is a host bug");
  }
  LocalConfig cfg;
  if (pluton_error* error = ParseConfig(config, &cfg)) return error;
  ObjectPath path;  // checks bucket and key together
  if (pluton_error* error = ResolveObject(cfg.root, params->bucket, params->key, &path)) {
    return error;
  }
  UniqueFd root, bucket;
  if (pluton_error* error = OpenRootDir(cfg, &root)) return error;
  if (pluton_error* error = OpenBucketDir(cfg, root.get(), path.bucket, &bucket)) return error;
  const std::string key(plugin_sdk::View(params->key));

  std::vector<UniqueFd> chain;
  if (const int err = OpenKeyDirs(bucket.get(), path.dirs, &chain)) {
    if (err == ENOENT || err == ENOTDIR || err == ELOOP) return NoObject(key, path.bucket, "");
    return ErrnoError(err, "opening a directory of " + Quoted(path.bucket + "/" + key), cfg.root);
  }
  const int parent = chain.empty() ? bucket.get() : chain.back().get();
  const int fd = ::openat(parent, path.leaf.c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NoObject(key, path.bucket, "");
    if (err == ELOOP) {
      return NoObject(key, path.bucket, " (a symlink is there; local storage does not follow it)");
    }
    return ErrnoError(err, "opening " + Quoted(path.full), cfg.root);
  }
  UniqueFd file(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoError(errno, "reading " + Quoted(path.full), cfg.root);
  if (S_ISDIR(st.st_mode)) {
    return NoObject(key, path.bucket,
                    " (it is a directory: other keys start with " + Quoted(key + "/") + ")");
  }
  if (!S_ISREG(st.st_mode)) return NoObject(key, path.bucket, " (not a regular file there)");

  plugin_sdk::ObjectStat stat;
  stat.size = static_cast<uint64_t>(st.st_size);
  stat.modified_unix_ms = ModifiedUnixMs(st);
  stat.stored_md5 = ReadStoredMd5(fd);
  stat.etag = HexOf(stat.stored_md5);
  ReadUploadAttributes(fd, &stat);
  *out = plugin_sdk::ReleaseObjectStat(stat);
  return nullptr;
}

}  // namespace pluton::local_provider
