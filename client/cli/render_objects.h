// Text shown by the object and housekeeping commands (ls, stat, rm, cleanup, lifecycle).
// Pure functions, so the exact output is tested. Times are UTC.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_CLIENT_CLI_RENDER_OBJECTS_H_
#define PLUTON_CLIENT_CLI_RENDER_OBJECTS_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "pluton/storage/v1/storage_service.pb.h"

namespace pluton::storage::client {

namespace v1 = ::pluton::storage::v1;

// "2023-11-14 22:13:20" (UTC), or "-" padded to the same width when unset.
std::string FormatListTime(const google::protobuf::Timestamp& time);

// Calls `on_prefix` and `on_object` for the page's common prefixes and objects merged in key
// order (each list is in key order already).
void VisitInKeyOrder(const v1::ListObjectsResponse& page,
                     const std::function<void(const std::string& prefix)>& on_prefix,
                     const std::function<void(const v1::ObjectInfo& object)>& on_object);

// One `ls` page, like `aws s3 ls`: the page's common prefixes and objects merged in key
// order, one per line, with full keys:
//   "                           PRE photos/\n"
//   "2023-11-14 22:13:20       1024 photos.tar\n"
// (the size right-aligned in 10 columns, wider when needed).
std::string FormatObjectPage(const v1::ListObjectsResponse& page);

// `stat`: every field of the object, one per line ("-" when empty), metadata sorted by key.
std::string FormatObjectInfo(const v1::ObjectInfo& info);

// "PERMISSION_DENIED" for a google.rpc.Code value, the number when unknown.
std::string CodeName(int code);

// "<verb> failed: <key>: <CODE>: <message>\n", for rm and cleanup failures.
std::string FormatFailure(absl::string_view verb, const v1::DeleteFailure& failure);

// One incomplete upload per line: "<started>  <key>  <upload id>\n" ("-" when unknown).
std::string FormatIncompleteUpload(const v1::IncompleteUpload& upload);

// What `cleanup` did: "aborted: <key> (upload <id>, started <time>)" per upload ("would
// abort:" with `dry_run`), then a summary with the kept count and the cutoff `older_than`
// ("24h"). Failures are not included (see FormatFailure).
std::string FormatCleanupResult(const v1::CleanupIncompleteUploadsResponse& response, bool dry_run,
                                absl::string_view older_than);

// The rules as a table (ID, PREFIX, STATUS, EXPIRE, ABORT INCOMPLETE; days as "30d", "-"
// for never, "(all)" for the whole bucket), or "no lifecycle rules\n".
std::string FormatLifecycle(const v1::Lifecycle& lifecycle);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_RENDER_OBJECTS_H_
