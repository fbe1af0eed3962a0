// Safe mapping of (bucket, key) to a place under config.root.
//
// A bucket is one directory under root: 1-63 characters of [A-Za-z0-9._-], not "." or "..",
// and not the reserved ".pluton-partial". A key is a relative path below the bucket: non-empty,
// at most 1024 bytes, not starting with '/', without empty, "." or ".." segments, each
// segment at most 255 bytes (the filesystem's NAME_MAX). These rules alone keep every
// resolved path under root; the upload additionally walks directories with O_NOFOLLOW so a
// symlink planted inside root cannot redirect a write outside it.
//
// Thread safety: pure functions, thread-safe.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_PATHS_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_PATHS_H_

#include <string>
#include <string_view>
#include <vector>

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

inline constexpr size_t kMaxBucketLength = 63;
inline constexpr size_t kMaxKeyLength = 1024;
inline constexpr size_t kMaxSegmentLength = 255;

// "" when `bucket` is a valid bucket name, else what is wrong and the fix.
std::string CheckBucket(std::string_view bucket);
// "" when `key` is a valid key, else what is wrong and the fix.
std::string CheckKey(std::string_view key);

// Where an object lives: root/bucket/dirs.../leaf.
struct ObjectPath {
  std::string bucket;
  std::vector<std::string> dirs;  // the key's directory segments, outermost first
  std::string leaf;               // the key's last segment (the file name)
  std::string full;               // root + "/" + bucket + "/" + key, for messages
};

// Checks bucket and key (both may be NULL, read as "") and splits them. On failure returns an
// INVALID_ARGUMENT error with one violation per wrong field ("bucket", "key"); on success
// returns NULL and fills *out. `root` must already be a valid config root.
pluton_error* ResolveObject(const std::string& root, const char* bucket, const char* key,
                            ObjectPath* out);

// Whether `s` starts with `prefix`.
bool StartsWith(std::string_view s, std::string_view prefix);

// root + "/" + rest without doubling the slash when root is "/".
std::string JoinPath(const std::string& root, std::string_view rest);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_PATHS_H_
