// pluton-storage download STORAGE BUCKET KEY [FILE|-] [--offset N] [--length N] [--resume]
#include <optional>
#include <ostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/download_file.h"
#include "client/cli/progress.h"
#include "client/cli/render.h"

namespace pluton::storage::client {
namespace {

// Writes `data` to standard output.
absl::Status WriteToStream(std::ostream& stream, absl::string_view data) {
  stream.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!stream) return absl::DataLossError("cannot write to standard output");
  return absl::OkStatus();
}

absl::Status FlushStream(std::ostream& stream) {
  if (!stream.flush()) return absl::DataLossError("cannot write to standard output");
  return absl::OkStatus();
}

std::string FormatDownloadResult(const v1::DownloadInfo& info, const std::string& key,
                                 const std::string& file, absl::Duration elapsed) {
  std::ostringstream out;
  const double seconds = absl::ToDoubleSeconds(elapsed);
  out << "downloaded " << info.length() << " bytes (" << FormatBytes(info.length()) << ") of "
      << key << " to " << (file == "-" ? "standard output" : file) << "\n";
  out << "  range:    " << info.offset() << ".." << info.offset() + info.length() << " of "
      << info.object_size() << " bytes\n";
  out << "  etag:     " << (info.etag().empty() ? "-" : info.etag()) << "\n";
  out << "  checksum: "
      << (info.verified()
              ? "verified against the stored MD5 " + info.stored_md5_hex()
              : std::string(info.stored_md5_hex().empty() ? "none stored: not verified"
                                                          : "not verified (a range of the object)"))
      << "\n";
  out << absl::StrFormat("  elapsed:  %.2f s", seconds);
  if (seconds > 0) {
    out << absl::StrFormat(" (%.1f MiB/s)",
                           static_cast<double>(info.length()) / seconds / (1024.0 * 1024.0));
  }
  out << "\n";
  return out.str();
}

int RunDownload(CommandContext& ctx, const ArgParser& args) {
  const std::string file = args.Positional("FILE").value_or("-");
  const bool resume = args.Has("resume");
  v1::DownloadRequest request;
  request.set_storage(*args.Positional("STORAGE"));
  request.set_bucket(*args.Positional("BUCKET"));
  request.set_key(*args.Positional("KEY"));
  if (std::optional<std::string> offset = args.Get("offset")) {
    if (resume) return ctx.UsageError("--offset and --resume exclude each other");
    absl::StatusOr<int64_t> value = ParseByteSize(*offset);
    if (!value.ok()) return ctx.UsageError(absl::StrCat("--offset: ", value.status().message()));
    request.set_offset(*value);
  }
  if (std::optional<std::string> length = args.Get("length")) {
    absl::StatusOr<int64_t> value = ParseByteSize(*length);
    if (!value.ok()) return ctx.UsageError(absl::StrCat("--length: ", value.status().message()));
    request.set_length(*value);
  }
  if (resume && file == "-") return ctx.UsageError("--resume needs a FILE to append to");

  const bool to_stdout = file == "-";
  DownloadFile target;
  if (!to_stdout) {
    absl::Status opened = target.Open(file, /*append=*/resume);
    if (!opened.ok()) return ctx.InputError(opened);
    if (resume) request.set_offset(target.initial_size());
  }
  // A failed download to a file this run created leaves nothing behind, unless --resume asked
  // to keep partial data (and there is some); a file that existed keeps what was written.
  auto fail = [&](const absl::Status& status, bool local_input_error) {
    const bool keep = resume && target.bytes_written() > 0;
    const bool removed = !keep && target.DiscardIfCreated();
    if (!to_stdout && !removed && status.code() == absl::StatusCode::kDataLoss) {
      ctx.err() << "warning: " << file
                << " holds data that failed verification; delete it before downloading again\n";
    }
    int code = local_input_error ? ctx.InputError(status) : ctx.Failure(status);
    if (removed) ctx.err() << "removed the incomplete " << file << "\n";
    return code;
  };

  DownloadOptions options;
  if (ctx.global().timeout) options.timeout = *ctx.global().timeout;
  std::optional<ProgressBar> bar;
  if (ctx.env().err_is_terminal) {
    bar.emplace(ctx.err());
    options.on_progress = [&bar](int64_t received, int64_t total) { bar->Update(received, total); };
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::DownloadInfo> info = ctx.client().Download(
      request,
      [&](absl::string_view data) {
        return to_stdout ? WriteToStream(ctx.out(), data) : target.Write(data);
      },
      options);
  const absl::Duration elapsed = absl::Now() - start;
  if (bar) bar->Finish();
  if (!info.ok()) return fail(info.status(), /*local_input_error=*/false);
  absl::Status closed = to_stdout ? FlushStream(ctx.out()) : target.Close();
  if (!closed.ok()) return fail(closed, /*local_input_error=*/true);
  if (ctx.json()) {
    // With "-" the data went to standard output: the summary must not be mixed into it.
    if (file == "-") return kExitOk;
    return ctx.PrintJson(*info);
  }
  (file == "-" ? ctx.err() : ctx.out())
      << FormatDownloadResult(*info, request.bucket() + "/" + request.key(), file, elapsed);
  return kExitOk;
}

}  // namespace

Command DownloadCommand() {
  Command command;
  command.name = "download";
  command.summary = "Download an object, or a byte range of it, to a file or standard output";
  command.usage = "download STORAGE BUCKET KEY [FILE|-] [--offset N] [--length N] [--resume]";
  command.details =
      "Writes to standard output when FILE is \"-\" or absent (the summary then goes to\n"
      "stderr). --resume appends to an existing partial FILE from its current size, so an\n"
      "interrupted restore continues where it stopped. Sizes take K, M, G suffixes. A full\n"
      "download is checked against the checksum stored with the object; a mismatch fails with\n"
      "DATA_LOSS (exit 1). On a terminal a progress line is drawn on stderr.\n"
      "\n"
      "The data is written straight into FILE. If the download fails and FILE did not exist\n"
      "before, FILE is removed: nothing partial is left behind. If FILE existed, or --resume\n"
      "was given and data arrived, what was written is kept so that --resume can continue\n"
      "it: give --resume from the first attempt to keep a large restore resumable.";
  command.declare = [](ArgParser& parser) {
    parser.AddPositional("STORAGE", "the storage's id or name")
        .AddPositional("BUCKET", "bucket or container")
        .AddPositional("KEY", "object key")
        .AddPositional("FILE", "file to write, \"-\" for standard output", /*required=*/false)
        .AddOption("offset", "N", "first byte to download (default 0)")
        .AddOption("length", "N", "bytes to download (default: to the end)")
        .AddSwitch("resume", "append to FILE from its current size");
  };
  command.run = RunDownload;
  return command;
}

}  // namespace pluton::storage::client
