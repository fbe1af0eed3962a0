// What is known about one object (ABI 1.2 stat_object) in the local directory.
//
// The key's file is reached like a download's (directories opened with O_NOFOLLOW from the
// bucket, the file with O_NOFOLLOW) and opened read-only to read its attributes
// (local_xattr.h): size and modified_unix_ms from fstat (st_mtim); stored_md5 from kMd5Xattr
// and etag its lowercase hex (else ""), as in listings; content_type and user metadata as the
// upload stored them (absent attributes read as "" and no metadata, e.g. on a filesystem
// without user xattrs); storage_class "".
//
// Errors: INVALID_ARGUMENT (config, bucket, key), NOT_FOUND "BUCKET_NOT_FOUND", NOT_FOUND
// "OBJECT_NOT_FOUND" naming the key and bucket for a missing key, a directory of keys, a
// symlink or a special file; errno errors otherwise (e.g. PERMISSION_DENIED for a file the
// service may not read).
// Thread safety: thread-safe (no shared state).
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_STAT_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_STAT_H_

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// On success returns NULL and sets *out (release with the SDK's DestroyObjectStat).
pluton_error* StatObject(const pluton_config* config, const pluton_object_params* params,
                         pluton_object_stat** out);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_STAT_H_
