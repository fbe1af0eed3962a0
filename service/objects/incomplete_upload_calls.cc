#include "objects/incomplete_upload_calls.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/proto_conversions.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "objects/object_request_check.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "cleanup";

absl::Status Cancelled() {
  return absl::CancelledError("the cleanup was cancelled; uploads listed as aborted are gone");
}

}  // namespace

absl::Status ListIncompleteUploads(StorageRegistry* registry,
                                   const v1::ListIncompleteUploadsRequest& request,
                                   v1::ListIncompleteUploadsResponse* response,
                                   const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  ListSpec spec;
  spec.bucket = request.bucket();
  spec.prefix = request.prefix();
  spec.page_token = request.page_token();
  spec.max_entries = check.PageSize(request.page_size());
  check.NoNul("prefix", spec.prefix);
  check.NoNul("page_token", spec.page_token);
  RETURN_IF_ERROR(check.Result("the listing request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));
  ASSIGN_OR_RETURN(IncompleteUploadListing listing,
                   storage.provider->ListIncompleteUploads(storage.config, spec, cancelled));
  for (const IncompleteUploadInfo& upload : listing.uploads) {
    ToProto(upload, response->add_uploads());
  }
  response->set_next_page_token(listing.next_page_token);
  return absl::OkStatus();
}

absl::Status CleanupIncompleteUploads(StorageRegistry* registry,
                                      const v1::CleanupIncompleteUploadsRequest& request,
                                      v1::CleanupIncompleteUploadsResponse* response,
                                      const std::atomic<bool>* cancelled) {
  RequestCheck check(request.storage(), request.bucket());
  check.NoNul("prefix", request.prefix());
  absl::Duration older_than = kDefaultCleanupAge;
  if (request.has_older_than()) {
    older_than = FromProto(request.older_than());
    if (older_than < absl::ZeroDuration()) {
      check.Add("older_than", "use an age of 0 or more (e.g. 24h); unset means 24 hours");
    }
  }
  RETURN_IF_ERROR(check.Result("the cleanup request"));
  ASSIGN_OR_RETURN(ResolvedStorage storage, registry->Resolve(request.storage()));

  const absl::Time cutoff = absl::Now() - older_than;
  ListSpec spec;
  spec.bucket = request.bucket();
  spec.prefix = request.prefix();
  int32_t kept = 0;
  do {
    if (cancelled != nullptr && cancelled->load()) return Cancelled();
    ASSIGN_OR_RETURN(IncompleteUploadListing page,
                     storage.provider->ListIncompleteUploads(storage.config, spec, cancelled));
    for (const IncompleteUploadInfo& upload : page.uploads) {
      if (!upload.initiated.has_value() || *upload.initiated > cutoff) {
        ++kept;
        continue;
      }
      if (cancelled != nullptr && cancelled->load()) return Cancelled();
      if (!request.dry_run()) {
        absl::Status aborted = storage.provider->AbortIncompleteUpload(
            storage.config, request.bucket(), upload.key, upload.upload_id, cancelled);
        if (!aborted.ok()) {
          ToProto(KeyFailure{upload.key, aborted.code(), std::string(aborted.message())},
                  response->add_failures());
          continue;
        }
      }
      ToProto(upload, response->add_aborted());
    }
    spec.page_token = page.next_page_token;
  } while (!spec.page_token.empty());
  response->set_kept_count(kept);
  LogInfo(kComponent, request.dry_run() ? "dry run " : "", "storage=", storage.id,
          " bucket=", request.bucket(), " older_than=", absl::FormatDuration(older_than),
          " aborted=", response->aborted_size(), " kept=", kept,
          " failed=", response->failures_size());
  return absl::OkStatus();
}

}  // namespace pluton::storage
