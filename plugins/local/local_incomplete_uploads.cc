#include "local_incomplete_uploads.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "local_bucket.h"
#include "local_config.h"
#include "local_dir_batch.h"
#include "local_fs.h"
#include "local_paths.h"
#include "local_xattr.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::local_provider {
namespace {

constexpr char kIdPrefix[] = "upload-";
constexpr char kIdSuffix[] = ".tmp";
constexpr size_t kIdHexDigits = 32;
constexpr size_t kMinBatch = 64;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

bool LowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// What a temporary file says about its upload.
struct Record {
  bool known = false;  // the bucket attribute was there
  std::string bucket;
  std::string key;
};

Record ReadRecord(int fd) {
  Record record;
  record.known = ReadXattr(fd, kBucketXattr, &record.bucket) == 0;
  if (record.known && ReadXattr(fd, kKeyXattr, &record.key) != 0) record.key.clear();
  return record;
}

// Opens <root>/.pluton-partial. Sets *missing (and returns NULL) when it does not exist.
pluton_error* OpenPartialDir(const LocalConfig& config, UniqueFd* out, bool* missing) {
  *missing = false;
  UniqueFd root;
  if (pluton_error* error = OpenRootDir(config, &root)) return error;
  const int fd = OpenDirAt(root.get(), kPartialDir);
  if (fd >= 0) {
    *out = UniqueFd(fd);
    return nullptr;
  }
  if (errno == ENOENT) {
    *missing = true;
    return nullptr;
  }
  return ErrnoError(errno,
                    "opening the uploads-in-progress directory " +
                        Quoted(JoinPath(config.root, kPartialDir)) +
                        " (it must be a real directory, not a symlink)",
                    config.root);
}

pluton_error* CheckBucketName(const std::string& bucket) {
  const std::string problem = CheckBucket(bucket);
  if (problem.empty()) return nullptr;
  return plugin_sdk::InvalidArgumentError({{"bucket", "bucket name " + problem}});
}

}  // namespace

bool IsUploadId(std::string_view name) {
  const std::string_view prefix = kIdPrefix, suffix = kIdSuffix;
  if (name.size() != prefix.size() + kIdHexDigits + suffix.size()) return false;
  if (name.substr(0, prefix.size()) != prefix) return false;
  if (name.substr(prefix.size() + kIdHexDigits) != suffix) return false;
  const std::string_view hex = name.substr(prefix.size(), kIdHexDigits);
  return std::all_of(hex.begin(), hex.end(), LowerHex);
}

pluton_error* ListIncompleteUploads(const pluton_config* config, const pluton_list_params* params,
                                    pluton_incomplete_upload_list** out) {
  const plugin_sdk::ListRequest request = plugin_sdk::ReadListParams(params);
  LocalConfig cfg;
  if (pluton_error* error = ParseConfig(config, &cfg)) return error;
  if (pluton_error* error = CheckBucketName(request.bucket)) return error;
  UniqueFd partial_fd;
  bool missing = false;
  if (pluton_error* error = OpenPartialDir(cfg, &partial_fd, &missing)) return error;
  plugin_sdk::IncompleteUploadPage page;
  if (missing) {
    *out = plugin_sdk::ReleaseIncompleteUploads(page);
    return nullptr;
  }
  UniqueDir partial = UniqueDir::FromFd(std::move(partial_fd));
  if (!partial.valid()) {
    return ErrnoError(errno, "reading " + Quoted(JoinPath(cfg.root, kPartialDir)), cfg.root);
  }

  // Batches of the smallest ids after `cursor`, until the page is full and one more is seen.
  std::string cursor = request.page_token;
  const size_t batch_size = std::max<size_t>(request.max_entries + size_t{1}, kMinBatch);
  bool more = false;
  bool complete = false;
  while (!more && !complete) {
    if (plugin_sdk::CancelToken::Cancelled(request.cancel)) {
      return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                                   "the listing was cancelled by the service");
    }
    std::vector<DirEntry> batch;
    const int err = ReadSmallestEntries(
        partial, batch_size,
        [&](const DirEntry& entry) {
          return !entry.is_directory && IsUploadId(entry.name) && cursor < entry.name;
        },
        &batch, &complete);
    if (err != 0) {
      return ErrnoError(err, "reading " + Quoted(JoinPath(cfg.root, kPartialDir)), cfg.root);
    }
    for (const DirEntry& entry : batch) {
      cursor = entry.name;
      const int fd = ::openat(partial.fd(), entry.name.c_str(),
                              O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
      if (fd < 0) {
        if (errno == ENOENT || errno == ELOOP) continue;  // finished or aborted meanwhile
        return ErrnoError(
            errno, "opening " + Quoted(JoinPath(JoinPath(cfg.root, kPartialDir), entry.name)),
            cfg.root);
      }
      UniqueFd file(fd);
      struct stat st;
      if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const Record record = ReadRecord(fd);
      if (record.known && record.bucket != request.bucket) continue;
      if (!StartsWith(record.key, request.prefix)) continue;
      if (page.uploads.size() == request.max_entries) {
        more = true;
        break;
      }
      page.uploads.push_back(
          plugin_sdk::IncompleteUpload{record.key, entry.name, ModifiedUnixMs(st)});
    }
  }
  if (more) page.next_page_token = page.uploads.back().upload_id;
  *out = plugin_sdk::ReleaseIncompleteUploads(page);
  return nullptr;
}

pluton_error* AbortIncompleteUpload(const pluton_config* config, const pluton_object_params* params,
                                    const char* upload_id) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_object_params, key)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "abort_incomplete_upload needs pluton_object_params with "
                                 "bucket and key; this is a host bug");
  }
  LocalConfig cfg;
  if (pluton_error* error = ParseConfig(config, &cfg)) return error;
  const std::string bucket(plugin_sdk::View(params->bucket));
  const std::string key(plugin_sdk::View(params->key));
  const std::string id(plugin_sdk::View(upload_id));
  std::vector<plugin_sdk::Violation> violations;
  const std::string problem = CheckBucket(bucket);
  if (!problem.empty()) violations.emplace_back("bucket", "bucket name " + problem);
  if (!IsUploadId(id)) {
    violations.emplace_back("upload_id",
                            "not an upload id of the local provider (\"upload-\" followed by 32 "
                            "lowercase hex digits and \".tmp\", as listed by "
                            "list_incomplete_uploads)");
  }
  if (!violations.empty()) return plugin_sdk::InvalidArgumentError(std::move(violations));

  UniqueFd partial;
  bool missing = false;
  if (pluton_error* error = OpenPartialDir(cfg, &partial, &missing)) return error;
  if (missing) return nullptr;  // no uploads at all: already gone
  const std::string path = Quoted(JoinPath(JoinPath(cfg.root, kPartialDir), id));
  // Check the record when it can be read; a file that cannot be opened has none to check.
  const int fd = ::openat(partial.get(), id.c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return nullptr;
  if (fd >= 0) {
    UniqueFd file(fd);
    const Record record = ReadRecord(fd);
    const bool other_bucket = record.known && record.bucket != bucket;
    const bool other_key = record.known && !key.empty() && !record.key.empty() && record.key != key;
    if (other_bucket || other_key) {
      return plugin_sdk::MakeError(
          PLUTON_NOT_FOUND, "UPLOAD_NOT_FOUND",
          "upload " + Quoted(id) + " is writing " + Quoted(record.bucket + "/" + record.key) +
              ", not " +
              (key.empty() ? "into bucket " + Quoted(bucket) : Quoted(bucket + "/" + key)) +
              "; nothing was removed (list the bucket's incomplete uploads for its ids)");
    }
  }
  if (::unlinkat(partial.get(), id.c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoError(errno, "removing the temporary file " + path + " of an incomplete upload",
                      cfg.root);
  }
  return nullptr;
}

}  // namespace pluton::local_provider
