// pluton-storage cleanup STORAGE BUCKET [--prefix P] [--older-than AGE] [--dry-run] [--list]
#include "absl/strings/str_cat.h"
#include "client/cli/age_input.h"
#include "client/cli/command.h"
#include "client/cli/render.h"
#include "client/cli/render_objects.h"

namespace pluton::storage::client {
namespace {

// CleanupIncompleteUploadsRequest.older_than when unset, as the summary shows it.
constexpr char kServiceDefaultAge[] = "24h";

// --list: every incomplete upload, page after page, one per line.
int ListIncomplete(CommandContext& ctx, const std::string& storage, const std::string& bucket,
                   const std::string& prefix) {
  v1::ListIncompleteUploadsRequest request;
  request.set_storage(storage);
  request.set_bucket(bucket);
  request.set_prefix(prefix);
  int64_t count = 0;
  absl::Status listed = ctx.client().ForEachIncompleteUploadPage(
      request, [&](const v1::ListIncompleteUploadsResponse& page) -> absl::Status {
        for (const v1::IncompleteUpload& upload : page.uploads()) {
          ++count;
          if (!ctx.json()) {
            ctx.out() << FormatIncompleteUpload(upload);
            continue;
          }
          absl::StatusOr<std::string> line = ToJsonLine(upload);
          if (!line.ok()) return line.status();
          ctx.out() << *line;
        }
        return absl::OkStatus();
      });
  if (!listed.ok()) return ctx.Failure(listed);
  if (count == 0 && !ctx.json()) ctx.out() << "no incomplete uploads\n";
  return kExitOk;
}

int RunCleanup(CommandContext& ctx, const ArgParser& args) {
  const std::string storage = *args.Positional("STORAGE");
  const std::string bucket = *args.Positional("BUCKET");
  const std::string prefix = args.Get("prefix").value_or("");
  if (args.Has("list")) {
    if (args.Has("older-than") || args.Has("dry-run")) {
      return ctx.UsageError("--list only lists: it takes no --older-than or --dry-run");
    }
    return ListIncomplete(ctx, storage, bucket, prefix);
  }

  v1::CleanupIncompleteUploadsRequest request;
  request.set_storage(storage);
  request.set_bucket(bucket);
  request.set_prefix(prefix);
  request.set_dry_run(args.Has("dry-run"));
  const std::string age = args.Get("older-than").value_or(kServiceDefaultAge);
  if (args.Has("older-than")) {
    absl::StatusOr<absl::Duration> parsed = ParseAge(age);
    if (!parsed.ok()) {
      return ctx.UsageError(absl::StrCat("--older-than: ", parsed.status().message()));
    }
    *request.mutable_older_than() = ToProtoDuration(*parsed);
  }
  absl::StatusOr<v1::CleanupIncompleteUploadsResponse> response =
      ctx.client().CleanupIncompleteUploads(request);
  if (!response.ok()) return ctx.Failure(response.status());
  const int code = response->failures().empty() ? kExitOk : kExitFailure;
  if (ctx.json()) {
    const int printed = ctx.PrintJson(*response);
    return printed == kExitOk ? code : printed;
  }
  ctx.out() << FormatCleanupResult(*response, request.dry_run(), age);
  for (const v1::DeleteFailure& failure : response->failures()) {
    ctx.err() << FormatFailure("abort", failure);
  }
  return code;
}

}  // namespace

Command CleanupCommand() {
  Command command;
  command.name = "cleanup";
  command.summary = "Abort incomplete multipart uploads, or list them";
  command.usage = "cleanup STORAGE BUCKET [--prefix P] [--older-than AGE] [--dry-run] [--list]";
  command.details =
      "Incomplete uploads cost storage until aborted. Only uploads started longer ago than\n"
      "--older-than (default 24h) are aborted: younger ones may still be running. AGE is a\n"
      "number with a unit, d, h, m or s, e.g. 7d, 24h, 90m, 1d12h. --dry-run reports what\n"
      "would be aborted. An upload whose abort fails is reported on stderr as\n"
      "\"abort failed: KEY: CODE: message\" (exit 1). --list prints every incomplete upload\n"
      "instead, one per line: \"<started, UTC>  <key>  <upload id>\" (JSON Lines with --json).";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddOption("prefix", "P", "only uploads of keys starting with P")
        .AddOption("older-than", "AGE", "abort uploads started longer ago than AGE (default 24h)")
        .AddSwitch("dry-run", "report what would be aborted, abort nothing")
        .AddSwitch("list", "list the incomplete uploads instead of aborting any");
  };
  command.run = RunCleanup;
  return command;
}

}  // namespace pluton::storage::client
