// Internal to pluton_s3provider: the housekeeping operations behind the ABI functions of
// housekeeping_api.h, one file each (list_objects.cc, delete_objects.cc,
// incomplete_uploads.cc, lifecycle.cc). Each returns NULL and sets its out-parameter on
// success, else an error for the host; none throws except std::bad_alloc (the ABI wrappers
// guard them).
//
// Thread safety: every function may run concurrently.
#ifndef PLUTON_PLUGINS_S3PROVIDER_SRC_HOUSEKEEPING_H_
#define PLUTON_PLUGINS_S3PROVIDER_SRC_HOUSEKEEPING_H_

#include "pluton/s3provider/provider.h"
#include "pluton/storage_plugin.h"

namespace pluton::s3provider {

pluton_error* ListObjects(const Provider& provider, const pluton_config* config,
                          const pluton_list_params* params, pluton_object_list** out_list);

pluton_error* DeleteObjects(const Provider& provider, const pluton_config* config,
                            const pluton_delete_params* params, pluton_delete_result** out_result);

pluton_error* ListIncompleteUploads(const Provider& provider, const pluton_config* config,
                                    const pluton_list_params* params,
                                    pluton_incomplete_upload_list** out_list);

pluton_error* AbortIncompleteUpload(const Provider& provider, const pluton_config* config,
                                    const pluton_object_params* params, const char* upload_id);

pluton_error* GetLifecycle(const Provider& provider, const pluton_config* config,
                           const pluton_object_params* params, pluton_lifecycle** out_lifecycle);

pluton_error* SetLifecycle(const Provider& provider, const pluton_config* config,
                           const pluton_object_params* params, const pluton_lifecycle* lifecycle);

}  // namespace pluton::s3provider

#endif  // PLUTON_PLUGINS_S3PROVIDER_SRC_HOUSEKEEPING_H_
