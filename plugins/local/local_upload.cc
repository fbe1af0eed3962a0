#include "local_upload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "local_bucket.h"
#include "local_plugin.h"
#include "local_xattr.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::local_provider {
namespace {

constexpr int kTempNameAttempts = 8;
// Attempts to move the file into place when the key's directories vanish under Finish.
constexpr int kRenameAttempts = 4;
// Bytes written between checks that the temporary file is still linked.
constexpr uint64_t kLinkCheckBytes = uint64_t{64} << 20;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

pluton_error* CancelledError() {
  return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                               "the upload was cancelled by the service; nothing was stored");
}

pluton_error* BucketNotFound(const LocalConfig& config, const std::string& bucket) {
  return plugin_sdk::MakeError(PLUTON_NOT_FOUND, "BUCKET_NOT_FOUND",
                               "bucket " + Quoted(bucket) + " does not exist under root " +
                                   Quoted(config.root) + " (no directory " +
                                   Quoted(JoinPath(config.root, bucket)) +
                                   "); create it or set create_buckets=true");
}

pluton_error* BucketNotDirectory(const LocalConfig& config, const std::string& bucket) {
  return plugin_sdk::MakeError(
      PLUTON_FAILED_PRECONDITION, "BUCKET_NOT_A_DIRECTORY",
      Quoted(JoinPath(config.root, bucket)) +
          " exists but is not a directory (symlinks are not followed); remove or rename it so "
          "the bucket directory can be used");
}

}  // namespace

LocalUpload::LocalUpload() = default;

LocalUpload::~LocalUpload() { Abort(); }

pluton_error* LocalUpload::SetStreamMd5(const uint8_t* md5) {
  if (state_ != State::kOpen) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "UPLOAD_NOT_OPEN",
                                 "upload_set_stream_md5 on an upload that is not open");
  }
  if (md5 == nullptr) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "upload_set_stream_md5 needs 16 bytes; this is a host bug");
  }
  std::memcpy(md5_, md5, sizeof(md5_));
  has_md5_ = true;
  return nullptr;
}

void LocalUpload::StoreMd5() noexcept {
  if (!has_md5_) return;
  if (::fsetxattr(file_fd_.get(), kMd5Xattr, md5_, sizeof(md5_), 0) != 0) {
    const int err = errno;
    plugin_sdk::GuardVoid([&] {
      Host().Log(PLUTON_LOG_DEBUG, "storing " + Describe() + " without its MD5 (" + kMd5Xattr +
                                       "): " + ErrnoText(err) + "; downloads are not verified");
    });
    return;
  }
  plugin_sdk::GuardVoid(
      [&] { etag_ = HexOf(std::string_view(reinterpret_cast<const char*>(md5_), sizeof(md5_))); });
}

void LocalUpload::StoreAttributes(const pluton_upload_params* params) {
  std::vector<std::pair<std::string, std::string>> attributes;
  attributes.emplace_back(kBucketXattr, path_.bucket);
  attributes.emplace_back(kKeyXattr, Key());
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, content_type)) {
    const std::string_view content_type = plugin_sdk::View(params->content_type);
    if (!content_type.empty()) attributes.emplace_back(kContentTypeXattr, content_type);
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, metadata) && params->metadata != nullptr) {
    for (size_t i = 0; i < params->metadata_count; ++i) {
      const std::string key = AsciiLower(plugin_sdk::View(params->metadata[i].key));
      if (key.empty()) continue;
      attributes.emplace_back(kMetaXattrPrefix + key, plugin_sdk::View(params->metadata[i].value));
    }
  }
  for (const auto& [name, value] : attributes) {
    const int err = WriteXattr(file_fd_.get(), name, value);
    if (err == 0) continue;
    if (err == ENOTSUP) {  // no user xattrs on this filesystem: the upload goes on without them
      Host().Log(PLUTON_LOG_DEBUG, "storing " + Describe() +
                                       " without content type and metadata, and its upload "
                                       "without a bucket/key record: " +
                                       ErrnoText(err));
      return;
    }
    Host().Log(PLUTON_LOG_WARNING, "could not record " + name + " for " + Describe() + ": " +
                                       ErrnoText(err) + "; the upload goes on without it");
  }
}

void LocalUpload::ForgetRecord() noexcept {
  ::fremovexattr(file_fd_.get(), kBucketXattr);  // errors (none there, ENOTSUP) do not matter
  ::fremovexattr(file_fd_.get(), kKeyXattr);
}

pluton_error* LocalUpload::TempRemovedError() const {
  return plugin_sdk::MakeError(
      PLUTON_ABORTED, "UPLOAD_TEMP_FILE_REMOVED",
      "the upload's temporary file " +
          Quoted(JoinPath(JoinPath(config_.root, kPartialDir), temp_name_)) +
          " was removed (by a cleanup of incomplete uploads?) before " + Describe() +
          " was finished; nothing was stored; upload it again");
}

std::string LocalUpload::Key() const {
  std::string key;
  for (const std::string& dir : path_.dirs) key += dir + "/";
  key += path_.leaf;
  return key;
}

std::string LocalUpload::Describe() const { return Quoted(path_.bucket + "/" + Key()); }

pluton_error* LocalUpload::Begin(const pluton_config* config, const pluton_upload_params* params,
                                 std::unique_ptr<LocalUpload>* out) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, key)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "upload_begin needs pluton_upload_params with bucket and key; "
                                 "this is a host bug");
  }
  std::unique_ptr<LocalUpload> upload(new LocalUpload());
  if (pluton_error* error = ParseConfig(config, &upload->config_)) return error;
  if (pluton_error* error =
          ResolveObject(upload->config_.root, params->bucket, params->key, &upload->path_)) {
    return error;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, expected_size)) {
    upload->expected_size_ = params->expected_size < 0 ? -1 : params->expected_size;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_upload_params, cancel)) upload->cancel_ = params->cancel;
  // content_md5 is not checked here: the host hashes the stream once and verifies it before
  // calling upload_finish, so a second MD5 pass would only cost CPU.
  if (plugin_sdk::CancelToken::Cancelled(upload->cancel_)) return CancelledError();

  const LocalConfig& cfg = upload->config_;
  if (pluton_error* error = OpenRootDir(cfg, &upload->root_fd_)) return error;

  if (!cfg.create_buckets) {  // fail before any byte is streamed
    struct stat st;
    if (::fstatat(upload->root_fd_.get(), upload->path_.bucket.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
        0) {
      const int err = errno;
      if (err == ENOENT) return BucketNotFound(cfg, upload->path_.bucket);
      return ErrnoError(
          err, "checking bucket directory " + Quoted(JoinPath(cfg.root, upload->path_.bucket)),
          cfg.root);
    }
    if (!S_ISDIR(st.st_mode)) return BucketNotDirectory(cfg, upload->path_.bucket);
  }

  bool created = false;
  if (int err = MakeDirAt(upload->root_fd_.get(), kPartialDir, &created)) {
    return ErrnoError(
        err,
        "creating the uploads-in-progress directory " + Quoted(JoinPath(cfg.root, kPartialDir)),
        cfg.root);
  }
  const int partial = OpenDirAt(upload->root_fd_.get(), kPartialDir);
  if (partial < 0) {
    return ErrnoError(errno,
                      "opening the uploads-in-progress directory " +
                          Quoted(JoinPath(cfg.root, kPartialDir)) +
                          " (it must be a real directory, not a symlink)",
                      cfg.root);
  }
  upload->partial_fd_ = UniqueFd(partial);

  for (int attempt = 0;; ++attempt) {
    upload->temp_name_ = "upload-" + RandomHex() + ".tmp";
    const int fd = ::openat(upload->partial_fd_.get(), upload->temp_name_.c_str(),
                            O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd >= 0) {
      upload->file_fd_ = UniqueFd(fd);
      upload->temp_exists_ = true;
      upload->StoreAttributes(params);
      break;
    }
    const int err = errno;
    if (err == EEXIST && attempt + 1 < kTempNameAttempts) continue;
    return ErrnoError(
        err, "creating a temporary file in " + Quoted(JoinPath(cfg.root, kPartialDir)), cfg.root);
  }
  // The temporary file is what a crash would leave: the host records it before any data goes
  // in. When it cannot, `upload` is destroyed here, which removes the file.
  if (!plugin_sdk::UploadTracker(params).Pending(upload->temp_name_.c_str())) {
    return plugin_sdk::UploadNotRecordedError(upload->Describe());
  }
  *out = std::move(upload);
  return nullptr;
}

pluton_error* LocalUpload::Fail(pluton_error* error) {
  state_ = State::kFailed;
  return error;
}

pluton_error* LocalUpload::Write(const uint8_t* data, size_t size) {
  if (state_ != State::kOpen) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "UPLOAD_NOT_OPEN",
                                 "upload_write on an upload that already " +
                                     std::string(state_ == State::kFailed ? "failed" : "ended") +
                                     "; start a new upload");
  }
  if (data == nullptr && size > 0) {
    return Fail(plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                      "upload_write got NULL data with a nonzero size; this is "
                                      "a host bug"));
  }
  if (plugin_sdk::CancelToken::Cancelled(cancel_)) return Fail(CancelledError());
  if (expected_size_ >= 0 && size > static_cast<uint64_t>(expected_size_) - bytes_written_) {
    return Fail(plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "SIZE_MISMATCH",
                                      "received more than the declared expected_size of " +
                                          std::to_string(expected_size_) + " bytes for " +
                                          Describe() + "; nothing was stored"));
  }
  if (size == 0) return nullptr;
  if (int err = WriteAll(file_fd_.get(), data, size)) {
    return Fail(ErrnoError(err, "writing the upload of " + Describe(), config_.root));
  }
  bytes_written_ += size;
  // Now and then, check that a cleanup did not remove the temporary file: writing on into an
  // unlinked file would only fill the disk until Finish.
  unchecked_bytes_ += size;
  if (unchecked_bytes_ >= kLinkCheckBytes) {
    unchecked_bytes_ = 0;
    struct stat st;
    if (::fstat(file_fd_.get(), &st) == 0 && st.st_nlink == 0) {
      temp_exists_ = false;
      return Fail(TempRemovedError());
    }
  }
  return nullptr;
}

pluton_error* LocalUpload::OpenParent(UniqueFd* parent) {
  const std::string& bucket = path_.bucket;
  int fd = OpenDirAt(root_fd_.get(), bucket.c_str());
  if (fd < 0 && errno == ENOENT) {
    if (!config_.create_buckets) return BucketNotFound(config_, bucket);
    bool created = false;
    if (int err = MakeDirAt(root_fd_.get(), bucket.c_str(), &created)) {
      return ErrnoError(err, "creating bucket directory " + Quoted(JoinPath(config_.root, bucket)),
                        config_.root);
    }
    if (created && config_.fsync) {
      if (int err = Fsync(root_fd_.get())) {
        return ErrnoError(err, "flushing root directory " + Quoted(config_.root), config_.root);
      }
    }
    fd = OpenDirAt(root_fd_.get(), bucket.c_str());
  }
  if (fd < 0) {
    const int err = errno;
    if (err == ENOTDIR || err == ELOOP) return BucketNotDirectory(config_, bucket);
    return ErrnoError(err, "opening bucket directory " + Quoted(JoinPath(config_.root, bucket)),
                      config_.root);
  }
  UniqueFd current(fd);
  std::string prefix;  // the key's directories walked so far, for messages
  for (const std::string& dir : path_.dirs) {
    prefix += prefix.empty() ? dir : "/" + dir;
    bool created = false;
    if (int err = MakeDirAt(current.get(), dir.c_str(), &created)) {
      return ErrnoError(err, "creating directory " + Quoted(bucket + "/" + prefix), config_.root);
    }
    if (created && config_.fsync) {
      if (int err = Fsync(current.get())) {
        return ErrnoError(err, "flushing a directory of " + Describe(), config_.root);
      }
    }
    const int next = OpenDirAt(current.get(), dir.c_str());
    if (next < 0) {
      const int err = errno;
      if (err == ENOTDIR || err == ELOOP) {
        return plugin_sdk::MakeError(
            PLUTON_FAILED_PRECONDITION, "KEY_CONFLICT",
            "cannot store " + Describe() + ": " + Quoted(prefix) + " already exists in bucket " +
                Quoted(bucket) +
                " as a file (or symlink), not a directory; local storage cannot hold both key " +
                Quoted(prefix) + " and keys below it");
      }
      return ErrnoError(err, "opening directory " + Quoted(bucket + "/" + prefix), config_.root);
    }
    current = UniqueFd(next);
  }
  *parent = std::move(current);
  return nullptr;
}

pluton_error* LocalUpload::Finish(pluton_upload_result* result) {
  if (state_ != State::kOpen) {
    return plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "UPLOAD_NOT_OPEN",
                                 "upload_finish on an upload that already " +
                                     std::string(state_ == State::kFailed ? "failed" : "ended") +
                                     "; start a new upload");
  }
  if (result == nullptr) {
    return Fail(plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                      "upload_finish needs a result struct; this is a host bug"));
  }
  if (plugin_sdk::CancelToken::Cancelled(cancel_)) return Fail(CancelledError());
  if (expected_size_ >= 0 && bytes_written_ != static_cast<uint64_t>(expected_size_)) {
    return Fail(plugin_sdk::MakeError(PLUTON_FAILED_PRECONDITION, "SIZE_MISMATCH",
                                      "received " + std::to_string(bytes_written_) + " bytes for " +
                                          Describe() + " but the declared expected_size is " +
                                          std::to_string(expected_size_) + "; nothing was stored"));
  }

  // A cleanup (abort_incomplete_upload) may have removed the temporary file meanwhile.
  struct stat st;
  if (::fstat(file_fd_.get(), &st) == 0 && st.st_nlink == 0) {
    temp_exists_ = false;
    return Fail(TempRemovedError());
  }
  StoreMd5();
  ForgetRecord();
  if (config_.fsync) {
    if (int err = Fsync(file_fd_.get())) {
      return Fail(
          ErrnoError(err, "flushing the upload of " + Describe() + " to disk", config_.root));
    }
  }
  if (int err = file_fd_.Close()) {
    return Fail(ErrnoError(err, "closing the upload of " + Describe(), config_.root));
  }

  UniqueFd parent;
  if (pluton_error* error = MoveIntoPlace(&parent)) return Fail(error);
  temp_exists_ = false;

  if (config_.fsync) {
    if (int err = Fsync(parent.get())) {
      // Keep the contract "on failure nothing is committed": take the object back out.
      if (::unlinkat(parent.get(), path_.leaf.c_str(), 0) != 0) {
        const int unlink_err = errno;
        Host().Log(PLUTON_LOG_ERROR,
                   "could not remove " + Quoted(path_.full) +
                       " after its directory failed to flush: " + ErrnoText(unlink_err));
      }
      return Fail(
          ErrnoError(err, "flushing the directory of " + Describe() + " to disk", config_.root));
    }
  }

  state_ = State::kFinished;
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, bytes_stored)) {
    result->bytes_stored = bytes_written_;
  }
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, etag)) result->etag = etag_.c_str();
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, part_count)) result->part_count = 0;
  if (PLUTON_SDK_HAS_FIELD(result, pluton_upload_result, part_size)) result->part_size = 0;
  return nullptr;
}

pluton_error* LocalUpload::MoveIntoPlace(UniqueFd* parent) {
  for (int attempt = 1;; ++attempt) {
    if (pluton_error* error = OpenParent(parent)) return error;
    if (::renameat(partial_fd_.get(), temp_name_.c_str(), parent->get(), path_.leaf.c_str()) == 0) {
      return nullptr;
    }
    const int err = errno;
    if (err == ENOENT) {
      struct stat st;
      if (::fstatat(partial_fd_.get(), temp_name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 &&
          errno == ENOENT) {
        temp_exists_ = false;
        return TempRemovedError();
      }
      // The file is there, so the target directory was removed after OpenParent opened it (a
      // deletion removing empty directories): open the key's directories again.
      if (attempt < kRenameAttempts) continue;
    }
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
      return plugin_sdk::MakeError(
          PLUTON_FAILED_PRECONDITION, "KEY_CONFLICT",
          "cannot store " + Describe() +
              ": a directory exists at that key (other keys start with it followed by '/'); "
              "local storage cannot hold both");
    }
    return ErrnoError(err, "moving the upload into place at " + Quoted(path_.full), config_.root);
  }
}

void LocalUpload::Abort() noexcept {
  if (state_ == State::kFinished || state_ == State::kAborted) return;
  file_fd_.Close();
  if (temp_exists_) {
    if (::unlinkat(partial_fd_.get(), temp_name_.c_str(), 0) != 0 && errno != ENOENT) {
      const int err = errno;
      plugin_sdk::GuardVoid([&] {
        Host().Log(PLUTON_LOG_WARNING,
                   "could not remove the temporary file " +
                       Quoted(JoinPath(JoinPath(config_.root, kPartialDir), temp_name_)) +
                       " of an aborted upload: " + ErrnoText(err) + "; delete it by hand");
      });
    }
    temp_exists_ = false;
  }
  state_ = State::kAborted;
}

}  // namespace pluton::local_provider
