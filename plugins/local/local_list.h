// Listing a bucket (ABI 1.2 list_objects) in the local directory.
//
// Objects are the regular files below the bucket directory; a key is the file's path relative
// to it ("dir/sub/file"). Pages come in byte-wise key order (S3's), from KeyWalker
// (local_walk.h). Symlinks, special files and keys that would be invalid (too long) are not
// objects and are skipped; <root>/.pluton-partial is never a bucket.
//
// prefix: only keys starting with it; only directories that can hold such keys are read.
// delimiter: a key holding the delimiter after the prefix is rolled up into the common prefix
//   ending at the first such delimiter; each common prefix is one entry, returned once. When a
//   whole directory rolls up into one prefix (delimiter "/"), it is not walked: finding one file
//   in it is enough.
// max_entries / page_token: a page holds at most max_entries objects plus common prefixes. The
//   token is the last key or common prefix returned (opaque to the host); the next page starts
//   strictly after it (a common prefix token also skips every key rolled up into it). The
//   listing looks ahead for one more entry, so next_page_token is "" exactly on the last page.
//
// Entries: size and modified_unix_ms from the file's stat (st_mtim); etag is the lowercase hex
// of the stored MD5 (kMd5Xattr) when the object has one, else "" (so it is the ETag S3 would
// give a single-part upload of the same bytes); storage_class "".
//
// Memory: bounded by the page plus, per directory level being walked, max_entries + 1 (at least
// 64) names of that directory; never the whole bucket. Time: one pass over each directory per
// batch of names taken from it.
//
// Errors: INVALID_ARGUMENT (config, bucket name), NOT_FOUND "BUCKET_NOT_FOUND", CANCELLED,
// and errno errors for unreadable directories.
// Thread safety: thread-safe (no shared state).
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_LIST_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_LIST_H_

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// On success returns NULL and sets *out (release with the SDK's DestroyObjectList).
pluton_error* ListObjects(const pluton_config* config, const pluton_list_params* params,
                          pluton_object_list** out);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_LIST_H_
