// pluton-storage ls STORAGE BUCKET [PREFIX] [--recursive] [--page-size N]
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/render.h"
#include "client/cli/render_objects.h"
#include "nlohmann/json.hpp"

namespace pluton::storage::client {
namespace {

constexpr int32_t kMaxListPageSize = 1000;  // ListObjectsRequest.page_size: 1..1000

// One JSON Lines record per common prefix and object of `page`, in the order of the text
// output: {"prefix":"dir/"} or the ObjectInfo in the proto3 JSON mapping.
absl::Status PrintJsonLines(CommandContext& ctx, const v1::ListObjectsResponse& page) {
  absl::Status printed;
  VisitInKeyOrder(
      page,
      [&ctx](const std::string& prefix) {
        ctx.out() << nlohmann::json{{"prefix", prefix}}.dump() << "\n";
      },
      [&](const v1::ObjectInfo& object) {
        absl::StatusOr<std::string> line = ToJsonLine(object);
        if (!line.ok()) {
          printed.Update(line.status());
          return;
        }
        ctx.out() << *line;
      });
  return printed;
}

int RunLs(CommandContext& ctx, const ArgParser& args) {
  v1::ListObjectsRequest request;
  request.set_storage(*args.Positional("STORAGE"));
  request.set_bucket(*args.Positional("BUCKET"));
  request.set_prefix(args.Positional("PREFIX").value_or(""));
  if (!args.Has("recursive")) request.set_delimiter("/");
  if (std::optional<std::string> size = args.Get("page-size")) {
    int32_t page_size = 0;
    if (!absl::SimpleAtoi(*size, &page_size) || page_size <= 0 || page_size > kMaxListPageSize) {
      return ctx.UsageError(absl::StrCat("--page-size: expected a number from 1 to ",
                                         kMaxListPageSize, ", got \"", *size, "\""));
    }
    request.set_page_size(page_size);
  }
  absl::Status listed =
      ctx.client().ForEachObjectPage(request, [&ctx](const v1::ListObjectsResponse& page) {
        if (ctx.json()) return PrintJsonLines(ctx, page);
        ctx.out() << FormatObjectPage(page);
        return absl::OkStatus();
      });
  ctx.out().flush();
  if (!listed.ok()) return ctx.Failure(listed);
  return kExitOk;
}

}  // namespace

Command LsCommand() {
  Command command;
  command.name = "ls";
  command.summary = "List the objects of a bucket, under a prefix";
  command.usage = "ls STORAGE BUCKET [PREFIX] [--recursive] [--page-size N]";
  command.details =
      "Like `aws s3 ls`: without --recursive, keys are rolled up at the next \"/\" after\n"
      "PREFIX and each such \"directory\" is printed as \"PRE dir/\"; with it, every key under\n"
      "PREFIX is listed. One line per entry, in key order, with the full key:\n"
      "  2026-11-27 02:51:18   268435456 backups/sample.bin\n"
      "Times are UTC (\"-\" when unknown). Every page is followed and printed as it arrives; if\n"
      "a page fails, the lines already printed stay and the command exits 1. With --json the\n"
      "output is JSON Lines: one object per line, {\"prefix\": \"dir/\"} for a directory and\n"
      "the object (key, size, modifyTime, etag, storageClass, ...) for an object.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddPositional("PREFIX", "only keys starting with this (default: all)",
                       /*required=*/false)
        .AddSwitch("recursive", "list every key under PREFIX, without rolling up at \"/\"")
        .AddOption("page-size", "N", "entries per call, 1 to 1000 (default 1000)");
  };
  command.run = RunLs;
  return command;
}

}  // namespace pluton::storage::client
