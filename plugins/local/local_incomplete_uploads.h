// Uploads in progress or abandoned (ABI 1.2 list_incomplete_uploads, abort_incomplete_upload):
// the temporary files in <root>/.pluton-partial that LocalUpload writes before renaming them
// onto their key.
//
// An upload's id is its temporary file's name, "upload-<32 lowercase hex>.tmp" (exactly what
// LocalUpload creates; nothing else in the directory is listed or removed). LocalUpload records
// the bucket and key on the file (kBucketXattr, kKeyXattr, best effort).
//
// Listing: the uploads whose recorded bucket is params->bucket, plus those without a record
// (older plugins, or filesystems without user xattrs), which are listed for every bucket with
// key "". Filtered by params->prefix on the key (a key "" matches only prefix ""), sorted by
// upload_id, paged by max_entries; the page token is the last upload_id returned, and the next
// page starts strictly after it ("" on the last page: the listing looks ahead). delimiter is
// ignored. initiated_unix_ms is the file's mtime, i.e. the time of the upload's last write, so
// an upload still being written never looks old to a cleanup rule. The bucket directory need
// not exist (with create_buckets an upload creates it only at finish); a missing
// .pluton-partial means no uploads. Memory: a bounded batch of names at a time
// (local_dir_batch.h), plus the page.
//
// Aborting: removes <root>/.pluton-partial/<upload_id>. An upload_id of any other form is
// INVALID_ARGUMENT naming "upload_id" (so nothing outside that directory can be named). A
// missing file is success. When the file records another bucket, or (params->key non-empty)
// another key, it is not that upload: NOT_FOUND "UPLOAD_NOT_FOUND" and nothing is removed. An
// upload still running whose file is removed this way fails at finish with ABORTED.
//
// Thread safety: thread-safe (no shared state).
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_INCOMPLETE_UPLOADS_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_INCOMPLETE_UPLOADS_H_

#include <string_view>

#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// Whether `name` is "upload-" + 32 lowercase hex digits + ".tmp".
bool IsUploadId(std::string_view name);

// On success returns NULL and sets *out (release with the SDK's DestroyIncompleteUploads).
pluton_error* ListIncompleteUploads(const pluton_config* config, const pluton_list_params* params,
                                    pluton_incomplete_upload_list** out);

pluton_error* AbortIncompleteUpload(const pluton_config* config, const pluton_object_params* params,
                                    const char* upload_id);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_INCOMPLETE_UPLOADS_H_
