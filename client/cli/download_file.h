// DownloadFile: the local file a `download` writes to, and what happens to it on failure.
//
//   DownloadFile file;
//   RETURN_IF_ERROR(file.Open(path, /*resume=*/false));
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
// Thread safety: not thread-safe.
#ifndef PLUTON_CLIENT_CLI_DOWNLOAD_FILE_H_
#define PLUTON_CLIENT_CLI_DOWNLOAD_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pluton::storage::client {

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
  int64_t initial_size_ = 0;
  int64_t bytes_written_ = 0;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_DOWNLOAD_FILE_H_
