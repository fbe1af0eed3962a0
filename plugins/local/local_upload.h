// An atomic upload into the local directory.
//
// Begin creates a temporary file in <root>/.pluton-partial/ (same filesystem as the objects,
// O_CREAT|O_EXCL|O_CLOEXEC, mode 0640, random name). Write appends to it. Finish flushes it
// (config.fsync), creates the bucket (config.create_buckets) and the key's directories, renames
// the file onto the key and flushes the directory, so the object appears whole or not at all.
// Abort and destruction before Finish remove the temporary file: an interrupted upload leaves
// nothing at the key.
//
// The object's MD5, when the host hands it over (SetStreamMd5: the host hashes every stream
// once), is stored with it as the extended attribute kMd5Xattr (16 raw bytes), so downloads
// can be verified, and its hex is the upload's ETag (as in listings and stat). The plugin never
// hashes the data itself. Without an MD5 from the host, or on a filesystem without user xattrs,
// the object is stored without it (downloads are then not verified, the ETag is "").
//
// Begin reports the temporary file's name (its upload id) to the host's upload tracker (ABI
// 1.3) before returning, so a host that dies mid-upload can remove it at its next start; when
// the host cannot record it, Begin removes the file and fails with UNAVAILABLE.
//
// Begin also records on the temporary file (local_xattr.h, best effort like the MD5) the
// bucket and key, which list_incomplete_uploads shows while the upload is incomplete (removed
// again before the rename), and the content type and user metadata (keys lowercased), which
// stay with the object for stat_object.
//
// A cleanup may remove the temporary file of a running upload (abort_incomplete_upload): Finish
// (or a Write, which checks every 64 MiB) then fails with ABORTED "UPLOAD_TEMP_FILE_REMOVED"
// and stores nothing. A deletion may remove
// the key's directories when they become empty while Finish is moving the file into one of
// them: Finish then opens them again (a few times) instead of failing.
//
// Thread safety: one LocalUpload is used by one thread at a time (ABI rule); different uploads
// are independent.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_UPLOAD_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "local_config.h"
#include "local_fs.h"
#include "local_paths.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

class LocalUpload {
 public:
  // Validates config and params, checks root (and the bucket when !create_buckets) and creates
  // the temporary file. On success returns NULL and sets *out. `params->cancel` must stay
  // valid until the upload is destroyed (ABI contract).
  static pluton_error* Begin(const pluton_config* config, const pluton_upload_params* params,
                             std::unique_ptr<LocalUpload>* out);

  ~LocalUpload();  // aborts unless finished
  LocalUpload(const LocalUpload&) = delete;
  LocalUpload& operator=(const LocalUpload&) = delete;

  // Appends bytes (`data` may be NULL only when size is 0). After an error the upload is dead.
  pluton_error* Write(const uint8_t* data, size_t size);
  // Records the stream's MD5 (16 raw bytes, copied), stored with the object at Finish.
  pluton_error* SetStreamMd5(const uint8_t* md5);
  // Commits the object and fills the fields of *result that its struct_size covers.
  pluton_error* Finish(pluton_upload_result* result);
  // Removes the temporary file. Idempotent; a no-op after a successful Finish. Cleanup
  // failures are logged through the host.
  void Abort() noexcept;

 private:
  enum class State { kOpen, kFailed, kFinished, kAborted };

  LocalUpload();
  // Marks the upload dead and passes `error` through.
  pluton_error* Fail(pluton_error* error);
  // Opens (creating when allowed) the bucket directory and the key's directories; returns the
  // innermost directory in *parent.
  pluton_error* OpenParent(UniqueFd* parent);
  std::string Key() const;       // the key, rebuilt from path_
  std::string Describe() const;  // "bucket/key" for messages

  // Stores the MD5 of what was written on the temporary file (best effort); sets etag_.
  void StoreMd5() noexcept;
  // Records bucket, key, content type and metadata on the temporary file (best effort).
  void StoreAttributes(const pluton_upload_params* params);
  // Removes the bucket and key record before the file becomes the object (best effort).
  void ForgetRecord() noexcept;
  // ABORTED: the temporary file was removed from under the upload.
  pluton_error* TempRemovedError() const;
  // Moves the finished temporary file onto the key, reopening the key's directories when a
  // concurrent deletion removed them.
  pluton_error* MoveIntoPlace(UniqueFd* parent);

  LocalConfig config_;
  ObjectPath path_;
  int64_t expected_size_ = -1;
  const pluton_cancel_token* cancel_ = nullptr;

  UniqueFd root_fd_;
  UniqueFd partial_fd_;  // <root>/.pluton-partial
  UniqueFd file_fd_;     // the temporary file, until Finish closes it
  std::string temp_name_;
  bool temp_exists_ = false;
  uint64_t bytes_written_ = 0;
  uint64_t unchecked_bytes_ = 0;  // written since the last check that the file is linked
  uint8_t md5_[16] = {};
  bool has_md5_ = false;  // SetStreamMd5 was called
  std::string etag_;      // hex of md5_ once stored with the object, else ""
  State state_ = State::kOpen;
};

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_UPLOAD_H_
