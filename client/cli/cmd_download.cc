// pluton-storage download STORAGE BUCKET KEY [FILE|-] [--offset N] [--length N] [--resume]
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/progress.h"
#include "client/cli/render.h"

namespace pluton::storage::client {
namespace {

// Where the data goes: a file (appended to with --resume) or standard output.
class Output {
 public:
  ~Output() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Opens `path` for writing; appends when `append`, else truncates. Sets *size to the
  // file's size after opening (the resume point).
  absl::Status OpenFile(const std::string& path, bool append, int64_t* size) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    fd_ = ::open(path.c_str(), flags, 0644);
    if (fd_ < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
    struct stat st;
    if (::fstat(fd_, &st) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("stat ", path));
    *size = static_cast<int64_t>(st.st_size);
    path_ = path;
    return absl::OkStatus();
  }
  void UseStream(std::ostream* stream) { stream_ = stream; }

  absl::Status Write(absl::string_view data) {
    if (stream_ != nullptr) {
      stream_->write(data.data(), static_cast<std::streamsize>(data.size()));
      if (!*stream_) return absl::DataLossError("cannot write to standard output");
      return absl::OkStatus();
    }
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path_));
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }
  absl::Status Close() {
    if (stream_ != nullptr) {
      stream_->flush();
      return *stream_ ? absl::OkStatus() : absl::DataLossError("cannot write to standard output");
    }
    const int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot close ", path_));
    }
    return absl::OkStatus();
  }

 private:
  int fd_ = -1;
  std::string path_;
  std::ostream* stream_ = nullptr;
};

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

  Output output;
  if (file == "-") {
    output.UseStream(&ctx.out());
  } else {
    int64_t size = 0;
    absl::Status opened = output.OpenFile(file, resume, &size);
    if (!opened.ok()) return ctx.InputError(opened);
    if (resume) request.set_offset(size);
  }

  DownloadOptions options;
  if (ctx.global().timeout) options.timeout = *ctx.global().timeout;
  std::optional<ProgressBar> bar;
  if (ctx.env().err_is_terminal) {
    bar.emplace(ctx.err());
    options.on_progress = [&bar](int64_t received, int64_t total) { bar->Update(received, total); };
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::DownloadInfo> info = ctx.client().Download(
      request, [&output](absl::string_view data) { return output.Write(data); }, options);
  const absl::Duration elapsed = absl::Now() - start;
  if (bar) bar->Finish();
  absl::Status closed = output.Close();
  if (!info.ok()) {
    if (info.status().code() == absl::StatusCode::kDataLoss && file != "-") {
      ctx.err() << "warning: " << file
                << " holds data that failed verification; delete it before downloading again\n";
    }
    return ctx.Failure(info.status());
  }
  if (!closed.ok()) return ctx.InputError(closed);
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
      "DATA_LOSS (exit 1). On a terminal a progress line is drawn on stderr.";
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
