// pluton-storage lifecycle get STORAGE BUCKET
// pluton-storage lifecycle set STORAGE BUCKET --file RULES.json
// pluton-storage lifecycle clear STORAGE BUCKET
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/lifecycle_input.h"
#include "client/cli/render_objects.h"

namespace pluton::storage::client {
namespace {

// Prints the rules the service answered with.
int PrintLifecycle(CommandContext& ctx, const v1::Lifecycle& lifecycle) {
  if (ctx.json()) return ctx.PrintJson(lifecycle);
  ctx.out() << FormatLifecycle(lifecycle);
  return kExitOk;
}

int RunLifecycle(CommandContext& ctx, const ArgParser& args) {
  const std::string action = *args.Positional("ACTION");
  const std::string storage = *args.Positional("STORAGE");
  const std::string bucket = *args.Positional("BUCKET");
  std::optional<std::string> file = args.Get("file");
  if (action != "get" && action != "set" && action != "clear") {
    return ctx.UsageError(absl::StrCat("unknown action \"", action, "\": use get, set or clear"));
  }
  if (action == "set" && !file) return ctx.UsageError("lifecycle set needs --file RULES.json");
  if (action != "set" && file) return ctx.UsageError("--file goes with lifecycle set only");

  if (action == "get") {
    v1::GetLifecycleRequest request;
    request.set_storage(storage);
    request.set_bucket(bucket);
    absl::StatusOr<v1::Lifecycle> lifecycle = ctx.client().GetLifecycle(request);
    if (!lifecycle.ok()) return ctx.Failure(lifecycle.status());
    return PrintLifecycle(ctx, *lifecycle);
  }

  v1::SetLifecycleRequest request;
  request.set_storage(storage);
  request.set_bucket(bucket);
  if (action == "set") {
    absl::StatusOr<std::string> text = ctx.env().input.read_file(*file);
    if (!text.ok()) return ctx.InputError(text.status());
    absl::StatusOr<std::vector<v1::LifecycleRule>> rules = ParseLifecycleRules(*text, *file);
    if (!rules.ok()) return ctx.InputError(rules.status());
    for (v1::LifecycleRule& rule : *rules) *request.add_rules() = std::move(rule);
  }
  absl::StatusOr<v1::Lifecycle> lifecycle = ctx.client().SetLifecycle(request);
  if (!lifecycle.ok()) return ctx.Failure(lifecycle.status());
  if (ctx.json()) return ctx.PrintJson(*lifecycle);
  if (action == "clear") {
    ctx.out() << "removed the lifecycle rules of " << bucket << "\n";
    return kExitOk;
  }
  ctx.out() << "lifecycle rules of " << bucket << " set; the provider now reports:\n"
            << FormatLifecycle(*lifecycle);
  return kExitOk;
}

}  // namespace

Command LifecycleCommand() {
  Command command;
  command.name = "lifecycle";
  command.summary = "Show, replace or remove a bucket's lifecycle rules";
  command.usage = "lifecycle (get|set|clear) STORAGE BUCKET [--file RULES.json]";
  command.details =
      "get prints the rules; set replaces them all with those of --file; clear removes them.\n"
      "The file holds a JSON array of rules (or {\"rules\": [...]}, as get --json prints, or\n"
      "one rule object):\n"
      "  [{\"id\": \"old-backups\", \"prefix\": \"backups/\", \"expire_after_days\": 90,\n"
      "    \"abort_incomplete_upload_after_days\": 7}]\n"
      "Fields: id (required), prefix (default: the whole bucket), enabled (default true),\n"
      "expire_after_days and abort_incomplete_upload_after_days (0 = never). Providers\n"
      "without lifecycle rules answer UNIMPLEMENTED.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("ACTION", "get, set or clear")
        .AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddOption("file", "RULES.json", "the rules to set (lifecycle set)");
  };
  command.run = RunLifecycle;
  return command;
}

}  // namespace pluton::storage::client
