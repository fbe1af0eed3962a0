// pluton-storage download STORAGE BUCKET KEY [FILE|-] [--offset N] [--length N] [--resume]
//
// Resuming never stitches two versions of an object together silently: the object's ETag is
// recorded on FILE (download_file.h) and sent back as if_match by --resume, and a resume that
// reaches the end of an object with a stored MD5 hashes the whole FILE against it.
#include <optional>
#include <ostream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/cli/command.h"
#include "client/cli/config_input.h"
#include "client/cli/download_file.h"
#include "client/cli/progress.h"
#include "client/cli/render.h"
#include "client/error_details.h"

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

// The summary of a finished download. `whole_file_verified`: a resumed FILE was hashed whole
// and matched the stored MD5.
std::string FormatDownloadResult(const v1::DownloadInfo& info, const std::string& key,
                                 const std::string& file, absl::Duration elapsed,
                                 bool whole_file_verified) {
  std::ostringstream out;
  const double seconds = absl::ToDoubleSeconds(elapsed);
  out << "downloaded " << info.length() << " bytes (" << FormatBytes(info.length()) << ") of "
      << key << " to " << (file == "-" ? "standard output" : file) << "\n";
  out << "  range:    " << info.offset() << ".." << info.offset() + info.length() << " of "
      << info.object_size() << " bytes\n";
  out << "  etag:     " << (info.etag().empty() ? "-" : info.etag()) << "\n";
  out << "  checksum: ";
  if (whole_file_verified) {
    out << "verified whole file against the stored MD5 after resume";
  } else if (info.verified() && info.verified_against() == v1::VERIFICATION_SOURCE_SERVICE_RECORD) {
    out << "verified against the service's record of the upload, "
        << (info.stored_md5_hex().empty() ? "SHA-256 " + info.recorded_sha256_hex()
                                          : "MD5 " + info.stored_md5_hex());
  } else if (info.verified()) {
    out << "verified against the stored MD5 " << info.stored_md5_hex();
  } else if (info.stored_md5_hex().empty()) {
    out << "none stored: not verified";
  } else {
    out << "not verified (a range of the object)";
  }
  out << "\n";
  out << absl::StrFormat("  elapsed:  %.2f s", seconds);
  if (seconds > 0) {
    out << absl::StrFormat(" (%.1f MiB/s)",
                           static_cast<double>(info.length()) / seconds / (1024.0 * 1024.0));
  }
  out << "\n";
  return out.str();
}

// Whether `status` is the service refusing a download because of its if_match.
bool IsIfMatchRefusal(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kFailedPrecondition) return false;
  const std::string reason = GetErrorDetails(status).reason;
  return reason == "OBJECT_CHANGED" || reason == "ETAG_UNAVAILABLE";
}

// Reports a resume refused because the object is no longer the version FILE was started
// from (or that can no longer be told); FILE was not touched. Returns kExitFailure.
int ObjectChangedFailure(CommandContext& ctx, const std::string& file, const absl::Status& status) {
  if (GetErrorDetails(status).reason == "ETAG_UNAVAILABLE") {
    ctx.err() << "error: the provider reports no ETag for the object any more, so it cannot be "
                 "told unchanged since "
              << file << " was started; download it again without --resume\n";
  } else {
    ctx.err() << "error: the object changed since " << file
              << " was started; download it again without --resume\n";
  }
  ctx.err() << "  " << absl::StatusCodeToString(status.code()) << ": " << status.message() << "\n"
            << "  " << file << " was left as it was\n";
  return kExitFailure;
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
  // The ETag is bookkeeping, not data: failing to keep it costs only the if_match check of a
  // later --resume (the whole-file MD5 check remains), so it warns and carries on.
  auto warn = [&](const absl::Status& status) {
    if (!status.ok()) ctx.err() << "warning: " << status.message() << "\n";
  };
  // The ETag recorded on a partial FILE being resumed, sent as if_match; "" when none.
  std::string if_match;
  if (!to_stdout) {
    absl::Status opened = target.Open(file, /*append=*/resume);
    if (!opened.ok()) return ctx.InputError(opened);
    if (resume) request.set_offset(target.initial_size());
    if (resume && target.initial_size() > 0) {
      absl::StatusOr<std::string> recorded = target.RecordedEtag();
      warn(recorded.status());
      if (recorded.ok()) if_match = *recorded;
      request.set_if_match(if_match);
    } else {
      warn(target.RecordEtag(""));  // truncated or empty: an old record describes nothing
    }
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
  if (ctx.env().err_is_terminal) bar.emplace(ctx.err());
  v1::DownloadInfo arrived;  // filled by Download as soon as the info arrives
  bool info_seen = false;
  // The info names another ETag than if_match: a service that predates if_match ignored it.
  // The sink then refuses the data, so FILE is left as it was.
  bool etag_changed = false;
  options.on_progress = [&](int64_t received, int64_t total) {
    if (!info_seen) {  // the first call: the info just arrived, no data yet
      info_seen = true;
      if (!if_match.empty() && arrived.etag() != if_match) {
        etag_changed = true;
      } else if (!to_stdout) {
        warn(target.RecordEtag(arrived.etag()));
      }
    }
    if (bar) bar->Update(received, total);
  };
  auto changed_status = [&]() {
    return absl::FailedPreconditionError(
        absl::StrCat("the object's ETag is now \"", arrived.etag(), "\", not the \"", if_match,
                     "\" recorded on ", file, " (the service did not check if_match)"));
  };
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::DownloadInfo> info = ctx.client().Download(
      request,
      [&](absl::string_view data) {
        if (etag_changed) return changed_status();
        return to_stdout ? WriteToStream(ctx.out(), data) : target.Write(data);
      },
      options, &arrived);
  const absl::Duration elapsed = absl::Now() - start;
  if (bar) bar->Finish();
  if (!if_match.empty() && (etag_changed || IsIfMatchRefusal(info.status()))) {
    (void)target.Close();  // nothing was written
    return ObjectChangedFailure(ctx, file, etag_changed ? changed_status() : info.status());
  }
  if (!info.ok()) return fail(info.status(), /*local_input_error=*/false);
  absl::Status closed = to_stdout ? FlushStream(ctx.out()) : target.Close();
  if (!closed.ok()) return fail(closed, /*local_input_error=*/true);

  // A resumed FILE that now ends where the object ends holds bytes from two downloads: hash
  // all of it against the stored MD5, whether or not an ETag vouched for the first part (a
  // FILE begun by another tool has none). The service verifies only full-object downloads.
  bool whole_file_verified = false;
  if (!to_stdout && resume && target.initial_size() > 0 && !info->stored_md5_hex().empty() &&
      info->offset() + info->length() == info->object_size()) {
    if (ctx.env().err_is_terminal) {
      ctx.err() << "verifying the whole of " << file << " against the stored MD5...\n";
    }
    absl::StatusOr<std::string> md5 = FileMd5Hex(file);
    if (!md5.ok()) {
      return ctx.InputError(absl::Status(
          md5.status().code(),
          absl::StrCat("cannot verify ", file, " after resume: ", md5.status().message())));
    }
    if (!absl::EqualsIgnoreCase(*md5, info->stored_md5_hex())) {
      return ctx.Failure(absl::DataLossError(absl::StrCat(
          file, " is corrupt: its MD5 is ", *md5, " but the object's stored MD5 is ",
          info->stored_md5_hex(),
          " (the part written before the resume is not from this version of the object); ",
          "the file was kept: download it again without --resume")));
    }
    whole_file_verified = true;
  }
  if (ctx.json()) {
    // With "-" the data went to standard output: the summary must not be mixed into it.
    if (file == "-") return kExitOk;
    return ctx.PrintJson(*info);
  }
  (file == "-" ? ctx.err() : ctx.out()) << FormatDownloadResult(
      *info, request.bucket() + "/" + request.key(), file, elapsed, whole_file_verified);
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
      "it: give --resume from the first attempt to keep a large restore resumable.\n"
      "\n"
      "The object's ETag is kept with FILE (extended attribute user.pluton.etag, also after\n"
      "the download completes), and --resume sends it: if the object was replaced since\n"
      "FILE was started, the resume fails (exit 1) and FILE is left as it was. A resume that\n"
      "reaches the end of an object with a stored MD5 then hashes the whole FILE against it;\n"
      "a mismatch (e.g. a FILE begun elsewhere from another version) fails with DATA_LOSS\n"
      "(exit 1) and keeps the corrupt FILE.";
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
