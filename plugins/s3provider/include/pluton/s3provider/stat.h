// stat_object (ABI 1.2) for an S3 provider: one HeadObject, carrying the storage's SSE-C key
// when it has one, as a plugin_sdk::ObjectStat:
//   size             Content-Length
//   modified         Last-Modified in ms since the epoch (0 when absent)
//   etag             without quotes
//   stored_md5       s3::StoredMd5: the md5chksum metadata, else a single-request ETag of a
//                    non-SSE-C object, else none
//   storage_class    x-amz-storage-class, "STANDARD" when absent (S3 omits it for STANDARD)
//   content_type     Content-Type
//   metadata         x-amz-meta-* with lowercase keys without the prefix, sorted by key,
//                    except md5chksum (reported as stored_md5)
// A missing object is NOT_FOUND ("object \"k\" not found in bucket \"b\""); other failures are
// worded by the provider. Never a secret in a message.
//
// Thread safety: may run concurrently on any thread.
#ifndef PLUTON_PLUGINS_S3PROVIDER_STAT_H_
#define PLUTON_PLUGINS_S3PROVIDER_STAT_H_

#include "pluton/s3/object_reader.h"
#include "pluton/s3provider/provider.h"
#include "pluton/sdk/housekeeping.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

// The stat of an object as `details` describe it (the rules above).
plugin_sdk::ObjectStat StatFromDetails(const s3::ObjectDetails& details);

// On success returns NULL and sets *out_stat (release with plugin_sdk::DestroyObjectStat).
pluton_error* StatObject(const Provider& provider, const pluton_config* config,
                         const pluton_object_params* params, pluton_object_stat** out_stat);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_STAT_H_
