// pluton-storage rm STORAGE BUCKET KEY... [--stdin] [--from-file FILE]
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/key_list.h"
#include "client/cli/render_objects.h"

namespace pluton::storage::client {
namespace {

// The keys of the command line, then of --from-file, then of standard input, each once.
absl::StatusOr<std::vector<std::string>> CollectKeys(CommandContext& ctx, const ArgParser& args) {
  std::vector<std::string> keys = args.PositionalList();
  if (std::optional<std::string> path = args.Get("from-file")) {
    absl::StatusOr<std::string> text = ctx.env().input.read_file(*path);
    if (!text.ok())
      return absl::InvalidArgumentError(absl::StrCat("--from-file: ", text.status().message()));
    for (std::string& key : ParseKeyLines(*text)) keys.push_back(std::move(key));
  }
  if (args.Has("stdin")) {
    std::unique_ptr<ByteSource> in = ctx.env().open_stdin();
    absl::StatusOr<std::string> text = ReadAll(*in);
    if (!text.ok())
      return absl::InvalidArgumentError(absl::StrCat("--stdin: ", text.status().message()));
    for (std::string& key : ParseKeyLines(*text)) keys.push_back(std::move(key));
  }
  return UniqueInOrder(keys);
}

// Prints the summary in JSON mode; returns `code` unless printing fails.
int Finish(CommandContext& ctx, const v1::DeleteObjectsResponse& summary, int code) {
  if (ctx.json()) {
    const int printed = ctx.PrintJson(summary);
    if (printed != kExitOk) return printed;
  }
  return code;
}

int DeleteOne(CommandContext& ctx, const v1::DeleteObjectRequest& request) {
  absl::StatusOr<v1::DeleteObjectResponse> deleted = ctx.client().DeleteObject(request);
  if (!deleted.ok()) return ctx.Failure(deleted.status());
  if (!ctx.json()) ctx.out() << "delete: " << request.key() << "\n";
  v1::DeleteObjectsResponse summary;
  summary.set_deleted_count(1);
  return Finish(ctx, summary, kExitOk);
}

int DeleteMany(CommandContext& ctx, const std::string& storage, const std::string& bucket,
               const std::vector<std::string>& keys) {
  v1::DeleteObjectsResponse summary;
  size_t attempted = 0;
  absl::Status status = ctx.client().DeleteObjectsInBatches(
      storage, bucket, keys,
      [&](const std::vector<std::string>& batch, const v1::DeleteObjectsResponse& response) {
        summary.set_deleted_count(summary.deleted_count() + response.deleted_count());
        std::set<std::string> failed;
        for (const v1::DeleteFailure& failure : response.failures()) {
          failed.insert(failure.key());
          *summary.add_failures() = failure;
          if (!ctx.json()) ctx.err() << FormatFailure("delete", failure);
        }
        if (ctx.json()) return;
        for (const std::string& key : batch) {
          if (!failed.count(key)) ctx.out() << "delete: " << key << "\n";
        }
      },
      &attempted);
  if (!status.ok()) {
    ctx.Failure(status);
    ctx.err() << "stopped: " << keys.size() - attempted << " of " << keys.size()
              << " keys were not attempted\n";
    return attempted == 0 ? kExitFailure : Finish(ctx, summary, kExitFailure);
  }
  return Finish(ctx, summary, summary.failures().empty() ? kExitOk : kExitFailure);
}

int RunRm(CommandContext& ctx, const ArgParser& args) {
  if (args.PositionalList().empty() && !args.Has("stdin") && !args.Has("from-file")) {
    return ctx.UsageError("give the KEY to delete, or --stdin or --from-file");
  }
  absl::StatusOr<std::vector<std::string>> keys = CollectKeys(ctx, args);
  if (!keys.ok()) return ctx.InputError(keys.status());
  const std::string storage = *args.Positional("STORAGE");
  const std::string bucket = *args.Positional("BUCKET");
  if (keys->size() == 1) {
    v1::DeleteObjectRequest request;
    request.set_storage(storage);
    request.set_bucket(bucket);
    request.set_key(keys->front());
    return DeleteOne(ctx, request);
  }
  return DeleteMany(ctx, storage, bucket, *keys);
}

}  // namespace

Command RmCommand() {
  Command command;
  command.name = "rm";
  command.summary = "Delete objects";
  command.usage = "rm STORAGE BUCKET KEY... [--stdin] [--from-file FILE]";
  command.details =
      "Prints \"delete: KEY\" for each key deleted (a key that did not exist counts as\n"
      "deleted). One key is one DeleteObject call; several go in DeleteObjects calls of up to\n"
      "1000 keys. A key that cannot be deleted is reported on stderr as\n"
      "\"delete failed: KEY: CODE: message\" and the others go on; the exit status is then 1.\n"
      "If a whole call fails, the keys not yet sent are not attempted. --stdin and\n"
      "--from-file read one key per line (exactly: spaces belong to the key; empty lines are\n"
      "skipped); keys given twice are deleted once. With --json one document is printed:\n"
      "{\"deletedCount\": N, \"failures\": [{\"key\", \"code\", \"message\"}]}.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddPositionalList("KEY", "object keys to delete", /*required=*/false)
        .AddSwitch("stdin", "also read keys from standard input, one per line")
        .AddOption("from-file", "FILE", "also read keys from FILE, one per line");
  };
  command.run = RunRm;
  return command;
}

}  // namespace pluton::storage::client
