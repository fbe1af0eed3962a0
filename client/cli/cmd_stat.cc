// pluton-storage stat STORAGE BUCKET KEY
#include "client/cli/command.h"
#include "client/cli/render_objects.h"
#include "client/error_details.h"

namespace pluton::storage::client {
namespace {

// The object itself does not exist: NOT_FOUND with the reason both providers give for it.
// An unknown storage or bucket (STORAGE_NOT_FOUND, BUCKET_NOT_FOUND, NO_SUCH_BUCKET, ...) is
// a mistake in the command, and any other NOT_FOUND is not known to mean "absent": exit 1.
bool IsMissingObject(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound &&
         GetErrorDetails(status).reason == "OBJECT_NOT_FOUND";
}

int RunStat(CommandContext& ctx, const ArgParser& args) {
  v1::StatObjectRequest request;
  request.set_storage(*args.Positional("STORAGE"));
  request.set_bucket(*args.Positional("BUCKET"));
  request.set_key(*args.Positional("KEY"));
  absl::StatusOr<v1::ObjectInfo> info = ctx.client().StatObject(request);
  if (!info.ok()) {
    const int code = ctx.Failure(info.status());
    return IsMissingObject(info.status()) ? kExitNotFound : code;
  }
  if (ctx.json()) return ctx.PrintJson(*info);
  ctx.out() << FormatObjectInfo(*info);
  return kExitOk;
}

}  // namespace

Command StatCommand() {
  Command command;
  command.name = "stat";
  command.summary = "Show one object: size, time, ETag, MD5, storage class, type, metadata";
  command.usage = "stat STORAGE BUCKET KEY";
  command.details =
      "Exit status: 0 when the object exists, 4 when it does not (NOT_FOUND with reason\n"
      "OBJECT_NOT_FOUND: the storage and bucket exist), 1 for any other failure, such as an\n"
      "unknown storage or bucket. Times are UTC.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddPositional("KEY", "object key");
  };
  command.run = RunStat;
  return command;
}

}  // namespace pluton::storage::client
