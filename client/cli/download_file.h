// DownloadFile: the local file a `download` writes to, what happens to it on failure, and the
// object version it holds (so that --resume cannot stitch two versions together).
//
//   DownloadFile file;
//   RETURN_IF_ERROR(file.Open(path, /*append=*/resume));
//   absl::StatusOr<std::string> etag = file.RecordedEtag();  // resume: send as if_match
//   ... on the DownloadInfo: file.RecordEtag(info.etag()) ...
//   ... file.Write(data) for every chunk ...
//   if (failed) file.DiscardIfCreated();  // a new file is removed, an old one is kept
//
// Contract: the data goes straight into the target (no temporary file), so --resume can
// continue from whatever a failed run left. Open tells apart a file this run creates from
// one that already existed (O_EXCL, race-free). DiscardIfCreated removes a file this run
// created and nothing else, so a failed download can leave nothing behind in a new file
// while an existing file (truncated, or appended to with --resume) keeps what was written.
// The caller decides when to discard. A process that is killed cannot clean up: its partial
// file stays.
//
// The object's ETag is kept with the file as the extended attribute `user.pluton.etag`
// (kEtagXattr), written as soon as the download's info arrives, before any data, and kept
// after the download completes: a later --resume (even of a complete file) sends it as
// DownloadRequest.if_match. Recording is best effort: a filesystem without user xattrs
// (ENOTSUP) or a target that is not a regular file (/dev/null, a pipe) simply has no record,
// and such a resume is checked only by the whole-file MD5 (FileMd5Hex) at the end.
//
// Thread safety: not thread-safe.
#ifndef PLUTON_CLIENT_CLI_DOWNLOAD_FILE_H_
#define PLUTON_CLIENT_CLI_DOWNLOAD_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pluton::storage::client {

// The extended attribute holding the ETag of the object a download file was written from.
inline constexpr char kEtagXattr[] = "user.pluton.etag";

// Bytes read at a time by FileMd5Hex: the memory it uses, whatever the file's size.
inline constexpr size_t kFileHashBufferSize = 256 * 1024;

class DownloadFile {
 public:
  DownloadFile() = default;
  ~DownloadFile();
  DownloadFile(const DownloadFile&) = delete;
  DownloadFile& operator=(const DownloadFile&) = delete;

  // Opens `path` for writing, creating it (mode 0644 before the umask) if absent. With
  // `append` the data goes after the current contents, else the file is truncated.
  absl::Status Open(const std::string& path, bool append);

  // Whether Open created the file (it did not exist before).
  bool created() const { return created_; }
  // The file's size right after Open: where a resumed download starts.
  int64_t initial_size() const { return initial_size_; }

  // Bytes written by this object so far.
  int64_t bytes_written() const { return bytes_written_; }

  // The ETag recorded on the open file (kEtagXattr), "" when there is none, the filesystem
  // has no user xattrs or the file is not a regular file. Other failures to read it (e.g.
  // EACCES) are errors. Call between Open and Close.
  absl::StatusOr<std::string> RecordedEtag() const;
  // Records `etag` on the open file, replacing any earlier record; an empty `etag` removes
  // the record (a stale one must not vouch for new contents). Returns OK without recording
  // when the filesystem has no user xattrs or the file is not a regular file; other failures
  // (e.g. ENOSPC) are errors, after which the file may keep no record. Call between Open and
  // Close.
  absl::Status RecordEtag(const std::string& etag);

  // Writes all of `data`, retrying short writes and EINTR.
  absl::Status Write(absl::string_view data);
  // Closes the file; idempotent. An error means the data may not all have been written.
  absl::Status Close();
  // Closes the file and, if this object created it, removes it. Returns whether it did.
  bool DiscardIfCreated();

 private:
  int fd_ = -1;
  std::string path_;
  bool created_ = false;
  bool regular_ = false;  // a regular file: the only kind that takes user xattrs
  int64_t initial_size_ = 0;
  int64_t bytes_written_ = 0;
};

// The MD5 (lowercase hex) of the file at `path`, read from disk kFileHashBufferSize bytes
// at a time. Errors name the file.
absl::StatusOr<std::string> FileMd5Hex(const std::string& path);

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_DOWNLOAD_FILE_H_
