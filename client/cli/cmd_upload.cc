// pluton-storage upload STORAGE BUCKET KEY [FILE|-] [--content-type T] [--metadata K=V ...]
//                       [--size N] [--content-md5 HEX] [--md5-trailer] [--sha256-trailer]
//                       [--sha256]
//                       [--chunk-size BYTES] [--no-prehash]
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/progress.h"
#include "client/cli/render.h"
#include "client/file_md5.h"

namespace pluton::storage::client {
namespace {

// Files from this size on are hashed before they are sent (unless --no-prehash): smaller ones
// go to the provider in one PUT, which carries the MD5 the service computes anyway, whatever
// the storage's upload_cutoff (at least chunk_size, at least 5 MiB).
constexpr int64_t kPrehashMinBytes = 5 << 20;

int RunUpload(CommandContext& ctx, const ArgParser& args) {
  UploadOptions options;
  if (std::optional<std::string> chunk = args.Get("chunk-size")) {
    absl::StatusOr<int64_t> size = ParseByteSize(*chunk);
    if (!size.ok()) return ctx.UsageError(absl::StrCat("--chunk-size: ", size.status().message()));
    if (*size < 1 || *size > static_cast<int64_t>(kMaxUploadMessageSize)) {
      return ctx.UsageError(
          absl::StrCat("--chunk-size: must be between 1 and ", kMaxUploadMessageSize, " bytes"));
    }
    options.message_size = static_cast<size_t>(*size);
  }
  std::optional<int64_t> expected_size;
  if (std::optional<std::string> size_arg = args.Get("size")) {
    absl::StatusOr<int64_t> size = ParseByteSize(*size_arg);
    if (!size.ok()) return ctx.UsageError(absl::StrCat("--size: ", size.status().message()));
    expected_size = *size;
  }
  absl::StatusOr<ConfigValues> metadata = ParseKeyValues(args.GetAll("metadata"), "--metadata");
  if (!metadata.ok()) return ctx.UsageError(metadata.status().message());
  std::string content_md5;
  if (std::optional<std::string> hex = args.Get("content-md5")) {
    bool valid = hex->size() == 32;
    for (char c : *hex) valid = valid && absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (!valid) return ctx.UsageError("--content-md5: give the MD5 as 32 hex digits");
    content_md5 = absl::HexStringToBytes(*hex);
  }
  options.send_md5_trailer = args.Has("md5-trailer");
  options.send_sha256_trailer = args.Has("sha256-trailer");
  if (ctx.global().timeout) options.timeout = *ctx.global().timeout;

  std::string file = args.Positional("FILE").value_or("-");
  std::unique_ptr<ByteSource> source;
  if (file == "-") {
    source = ctx.env().open_stdin();
  } else {
    absl::StatusOr<std::unique_ptr<FdByteSource>> opened = FdByteSource::OpenFile(file);
    if (!opened.ok()) return ctx.InputError(opened.status());
    source = *std::move(opened);
    if (!expected_size && source->size() >= 0) expected_size = source->size();
    if (content_md5.empty() && !args.Has("no-prehash") && source->size() >= kPrehashMinBytes) {
      absl::StatusOr<std::string> md5 = Md5OfFile(file);
      if (!md5.ok()) return ctx.InputError(md5.status());
      content_md5 = *std::move(md5);
    }
  }

  v1::UploadHeader header;
  header.set_storage(*args.Positional("STORAGE"));
  header.set_bucket(*args.Positional("BUCKET"));
  header.set_key(*args.Positional("KEY"));
  if (expected_size) header.set_expected_size(*expected_size);
  header.set_content_type(args.Get("content-type").value_or(""));
  header.set_content_md5(content_md5);
  header.set_compute_sha256(args.Has("sha256"));  // StorageClient adds it for a SHA-256 trailer
  for (const auto& [key, value] : *metadata) (*header.mutable_metadata())[key] = value;

  std::optional<ProgressBar> bar;
  if (ctx.env().err_is_terminal) {
    bar.emplace(ctx.err());
    options.on_progress = [&bar](int64_t sent, int64_t total) { bar->Update(sent, total); };
  }
  absl::Time start = absl::Now();
  absl::StatusOr<v1::UploadResponse> response = ctx.client().Upload(header, *source, options);
  absl::Duration elapsed = absl::Now() - start;
  if (bar) bar->Finish();
  if (!response.ok()) return ctx.Failure(response.status());
  if (ctx.json()) return ctx.PrintJson(*response);
  ctx.out() << FormatUploadResult(*response, elapsed);
  return kExitOk;
}

}  // namespace

Command UploadCommand() {
  Command command;
  command.name = "upload";
  command.summary = "Upload a file or standard input as one object";
  command.usage =
      "upload STORAGE BUCKET KEY [FILE|-] [--content-type T] [--metadata KEY=VALUE ...] "
      "[--size N] [--content-md5 HEX] [--md5-trailer] [--sha256-trailer] [--sha256] "
      "[--chunk-size BYTES] "
      "[--no-prehash]";
  command.details =
      "Reads standard input when FILE is \"-\" or absent; its size is then unknown unless\n"
      "--size gives it. Sizes take K, M, G suffixes (binary: 5M = 5MiB). On a terminal a\n"
      "progress line is drawn on stderr. The object appears only if the whole upload succeeds.\n"
      "A regular file of 5 MiB or more is read once before it is sent, to compute its MD5\n"
      "(about 1.7 CPU seconds per GiB plus the read), as rclone does: the MD5 then travels in\n"
      "the header and is stored with the object from the start, sparing the storage a\n"
      "server-side copy to add it after a multipart upload. --no-prehash skips that read.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddPositional("KEY", "object key")
        .AddPositional("FILE", "file to upload, \"-\" for standard input", /*required=*/false)
        .AddOption("content-type", "T", "MIME type (default application/octet-stream)")
        .AddOption("metadata", "KEY=VALUE", "user metadata", /*repeated=*/true)
        .AddOption("size", "N", "the data's size, when known (default: the file's size)")
        .AddOption("content-md5", "HEX",
                   "the data's MD5 when known before sending; stored with the object (where "
                   "the provider can) and verified by the service")
        .AddSwitch("md5-trailer", "compute MD5 while sending; the service verifies it")
        .AddSwitch("sha256-trailer",
                   "compute SHA-256 while sending; the service verifies it (implies --sha256)")
        .AddSwitch("sha256",
                   "have the service compute the SHA-256 too, returned and recorded (it hashes "
                   "with MD5 only by default)")
        .AddOption("chunk-size", "BYTES", "data bytes per message (default 1MiB, max 4MiB-1KiB)")
        .AddSwitch("no-prehash", "do not read a file once before sending it to compute its MD5");
  };
  command.run = RunUpload;
  return command;
}

}  // namespace pluton::storage::client
