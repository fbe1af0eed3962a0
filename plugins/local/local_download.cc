#include "local_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::local_provider {
namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

pluton_error* NotFound(const std::string& what) {
  return plugin_sdk::MakeError(PLUTON_NOT_FOUND, "OBJECT_NOT_FOUND", what);
}

}  // namespace

std::string LocalDownload::Describe() const {
  std::string key;
  for (const std::string& dir : path_.dirs) key += dir + "/";
  key += path_.leaf;
  return Quoted(path_.bucket + "/" + key);
}

pluton_error* LocalDownload::Open(const pluton_config* config, const pluton_download_params* params,
                                  std::unique_ptr<LocalDownload>* out, pluton_download_info* info) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_download_params, length) || info == nullptr ||
      !PLUTON_SDK_HAS_FIELD(info, pluton_download_info, content_length)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "download_open needs pluton_download_params with a range and "
                                 "a pluton_download_info; this is a host bug");
  }
  std::unique_ptr<LocalDownload> download(new LocalDownload());
  if (pluton_error* error = ParseConfig(config, &download->config_)) return error;
  if (pluton_error* error =
          ResolveObject(download->config_.root, params->bucket, params->key, &download->path_)) {
    return error;
  }
  if (PLUTON_SDK_HAS_FIELD(params, pluton_download_params, cancel)) {
    download->cancel_ = params->cancel;
  }
  const LocalConfig& cfg = download->config_;
  const ObjectPath& path = download->path_;

  const int root = ::open(cfg.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return ErrnoError(errno, "opening root directory " + Quoted(cfg.root), cfg.root);
  UniqueFd current(root);
  int fd = OpenDirAt(current.get(), path.bucket.c_str());
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return plugin_sdk::MakeError(
          PLUTON_NOT_FOUND, "BUCKET_NOT_FOUND",
          "bucket " + Quoted(path.bucket) + " does not exist under root " + Quoted(cfg.root));
    }
    return ErrnoError(err, "opening bucket directory " + Quoted(JoinPath(cfg.root, path.bucket)),
                      cfg.root);
  }
  current = UniqueFd(fd);
  for (const std::string& dir : path.dirs) {
    fd = OpenDirAt(current.get(), dir.c_str());
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT || err == ENOTDIR || err == ELOOP) {
        return NotFound("no object " + download->Describe() + " in local storage " +
                        Quoted(cfg.root));
      }
      return ErrnoError(err, "opening a directory of " + download->Describe(), cfg.root);
    }
    current = UniqueFd(fd);
  }
  fd = ::openat(current.get(), path.leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ELOOP) {
      return NotFound("no object " + download->Describe() + " in local storage " +
                      Quoted(cfg.root));
    }
    return ErrnoError(err, "opening " + Quoted(path.full), cfg.root);
  }
  download->fd_ = UniqueFd(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoError(errno, "reading " + Quoted(path.full), cfg.root);
  if (!S_ISREG(st.st_mode)) {
    return NotFound(download->Describe() + " is a directory of keys, not an object");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (params->offset > size) {
    return plugin_sdk::MakeError(PLUTON_OUT_OF_RANGE, "RANGE_NOT_SATISFIABLE",
                                 "offset " + std::to_string(params->offset) +
                                     " is past the end of " + download->Describe() +
                                     ", which has " + std::to_string(size) + " bytes");
  }
  uint64_t length = size - params->offset;
  if (params->length >= 0) {
    if (static_cast<uint64_t>(params->length) > length) {
      return plugin_sdk::MakeError(PLUTON_OUT_OF_RANGE, "RANGE_NOT_SATISFIABLE",
                                   "the range of " + std::to_string(params->length) +
                                       " bytes from offset " + std::to_string(params->offset) +
                                       " ends past the end of " + download->Describe() +
                                       ", which has " + std::to_string(size) + " bytes");
    }
    length = static_cast<uint64_t>(params->length);
  }
  download->position_ = params->offset;
  download->end_ = params->offset + length;
  const std::string md5 = ReadStoredMd5(fd);
  download->has_md5_ = md5.size() == sizeof(download->md5_);
  if (download->has_md5_) {
    std::copy(md5.begin(), md5.end(), download->md5_);
    download->etag_ = HexOf(md5);
  }

  info->object_size = size;
  if (PLUTON_SDK_HAS_FIELD(info, pluton_download_info, etag)) {
    info->etag = download->etag_.c_str();
  }
  if (PLUTON_SDK_HAS_FIELD(info, pluton_download_info, stored_md5)) {
    info->stored_md5 = download->has_md5_ ? download->md5_ : nullptr;
  }
  info->content_length = length;
  *out = std::move(download);
  return nullptr;
}

pluton_error* LocalDownload::Read(uint8_t* buffer, size_t capacity, size_t* size) {
  if (size == nullptr || (buffer == nullptr && capacity > 0)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "download_read needs a buffer and out_size; this is a host bug");
  }
  *size = 0;
  if (plugin_sdk::CancelToken::Cancelled(cancel_)) {
    return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED", "the download was cancelled");
  }
  const size_t want = static_cast<size_t>(std::min<uint64_t>(capacity, end_ - position_));
  if (want == 0) return nullptr;
  while (true) {
    const ssize_t n = ::pread(fd_.get(), buffer, want, static_cast<off_t>(position_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(errno, "reading " + Describe(), config_.root);
    if (n == 0) {
      return plugin_sdk::MakeError(PLUTON_DATA_LOSS, "OBJECT_TRUNCATED",
                                   Describe() + " ended at byte " + std::to_string(position_) +
                                       " while being read; it was changed or truncated");
    }
    position_ += static_cast<uint64_t>(n);
    *size = static_cast<size_t>(n);
    return nullptr;
  }
}

}  // namespace pluton::local_provider
