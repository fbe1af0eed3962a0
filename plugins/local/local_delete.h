// Deleting objects (ABI 1.2 delete_objects) from the local directory.
//
// Each key's directories are opened from the bucket with O_NOFOLLOW and its file is removed
// with unlinkat, which never follows a symlink: nothing outside the bucket, and nothing that is
// not an object, is ever removed. Then the key's directories that became empty are removed,
// innermost first, up to but not including the bucket directory (best effort: the first one
// that is not empty, or cannot be removed, ends it; a concurrent upload into one of them is
// safe, see LocalUpload::Finish). With config.fsync the directory where the last removal
// happened is flushed (best effort, logged).
//
// Per key, in order (the call itself fails only for an invalid config or bucket name,
// NOT_FOUND "BUCKET_NOT_FOUND", or an unusable root):
//   - nothing at the key (or a file where one of its directories should be): success;
//   - a regular file: removed;
//   - a directory (other keys start with key + "/"): failure FAILED_PRECONDITION;
//   - a symlink or special file, or a symlink on the way: failure FAILED_PRECONDITION, left
//     alone (it is not an object);
//   - an invalid key: failure INVALID_ARGUMENT; errno failures (EACCES, EROFS, ...) mapped as
//     ErrnoError does;
//   - cancellation: the keys not yet handled fail with CANCELLED.
//
// Thread safety: thread-safe (no shared state).
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_DELETE_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_DELETE_H_

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// On success returns NULL and sets *out (release with the SDK's DestroyDeleteResult).
pluton_error* DeleteObjects(const pluton_config* config, const pluton_delete_params* params,
                            pluton_delete_result** out);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_DELETE_H_
