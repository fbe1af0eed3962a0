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
// can be verified. The plugin never hashes the data itself. Without an MD5 from the host, or
// on a filesystem without user xattrs, the object is stored without it (downloads are then not
// verified).
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
  std::string Describe() const;  // "bucket/key" for messages

  // Stores the MD5 of what was written on the temporary file (best effort).
  void StoreMd5() noexcept;

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
  uint8_t md5_[16] = {};
  bool has_md5_ = false;  // SetStreamMd5 was called
  State state_ = State::kOpen;
};

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_UPLOAD_H_
