// pluton-storage list [--provider ID] [--page-size N]
// pluton-storage get STORAGE
// pluton-storage delete STORAGE
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/render.h"

namespace pluton::storage::client {
namespace {

int RunList(CommandContext& ctx, const ArgParser& args) {
  v1::ListStoragesRequest request;
  request.set_provider(args.Get("provider").value_or(""));
  if (std::optional<std::string> size = args.Get("page-size")) {
    int32_t page_size = 0;
    if (!absl::SimpleAtoi(*size, &page_size) || page_size <= 0) {
      return ctx.UsageError(
          absl::StrCat("--page-size: expected a positive number, got \"", *size, "\""));
    }
    request.set_page_size(page_size);
  }
  absl::StatusOr<std::vector<v1::Storage>> storages = ctx.client().ListAllStorages(request);
  if (!storages.ok()) return ctx.Failure(storages.status());
  if (ctx.json()) {
    v1::ListStoragesResponse all;
    for (v1::Storage& storage : *storages) *all.add_storages() = std::move(storage);
    return ctx.PrintJson(all);
  }
  ctx.out() << FormatStorageTable(*storages);
  return kExitOk;
}

int RunGet(CommandContext& ctx, const ArgParser& args) {
  v1::GetStorageRequest request;
  request.set_storage(*args.Positional("STORAGE"));
  absl::StatusOr<v1::Storage> storage = ctx.client().GetStorage(request);
  if (!storage.ok()) return ctx.Failure(storage.status());
  if (ctx.json()) return ctx.PrintJson(*storage);
  ctx.out() << FormatStorage(*storage);
  return kExitOk;
}

int RunDelete(CommandContext& ctx, const ArgParser& args) {
  v1::DeleteStorageRequest request;
  request.set_storage(*args.Positional("STORAGE"));
  absl::StatusOr<v1::DeleteStorageResponse> response = ctx.client().DeleteStorage(request);
  if (!response.ok()) return ctx.Failure(response.status());
  if (ctx.json()) return ctx.PrintJson(*response);
  ctx.out() << "deleted storage " << request.storage() << "\n";
  return kExitOk;
}

}  // namespace

Command ListCommand() {
  Command command;
  command.name = "list";
  command.summary = "List the registered storages";
  command.usage = "list [--provider ID] [--page-size N]";
  command.details = "Follows every page; --page-size only sets how many come per call.";
  command.declare = [](ArgParser& parser) {
    parser.AddOption("provider", "ID", "only storages of this provider")
        .AddOption("page-size", "N", "storages per call (default: the service's, 50)");
  };
  command.run = RunList;
  return command;
}

Command GetCommand() {
  Command command;
  command.name = "get";
  command.summary = "Show one storage (secret values are never shown)";
  command.usage = "get STORAGE";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name");
  };
  command.run = RunGet;
  return command;
}

Command DeleteCommand() {
  Command command;
  command.name = "delete";
  command.summary = "Remove a storage's registration (stored data is untouched)";
  command.usage = "delete STORAGE";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name");
  };
  command.run = RunDelete;
  return command;
}

}  // namespace pluton::storage::client
