#include "local_delete.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "local_bucket.h"
#include "local_config.h"
#include "local_fs.h"
#include "local_paths.h"
#include "local_plugin.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::local_provider {
namespace {

using plugin_sdk::DeleteFailure;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// One request's state: the bucket and where failures go.
struct Deletion {
  const LocalConfig& config;
  const std::string& bucket_name;
  int bucket_fd;
  std::vector<DeleteFailure>* failures;

  void Fail(const std::string& key, pluton_code code, std::string message) const {
    failures->push_back(DeleteFailure{key, code, std::move(message)});
  }
  // A failure with ErrnoError's code and message.
  void FailErrno(const std::string& key, int err, const std::string& what) const {
    pluton_error* error = ErrnoError(err, what, config.root);
    Fail(key, static_cast<pluton_code>(error->code), error->message);
    plugin_sdk::DestroyError(error);
  }
  std::string Describe(const std::string& key) const { return Quoted(bucket_name + "/" + key); }

  void DeleteKey(const std::string& key) const;
  void RemoveEmptyDirs(const std::string& key, const std::vector<std::string>& dirs,
                       const std::vector<UniqueFd>& chain) const;
};

std::vector<std::string> DirsOf(const std::string& key, std::string* leaf) {
  std::vector<std::string> dirs;
  size_t start = 0;
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', start)) {
    dirs.push_back(key.substr(start, slash - start));
    start = slash + 1;
  }
  *leaf = key.substr(start);
  return dirs;
}

void Deletion::DeleteKey(const std::string& key) const {
  const std::string problem = CheckKey(key);
  if (!problem.empty()) return Fail(key, PLUTON_INVALID_ARGUMENT, "key " + problem);
  std::string leaf;
  const std::vector<std::string> dirs = DirsOf(key, &leaf);
  std::vector<UniqueFd> chain;
  if (const int err = OpenKeyDirs(bucket_fd, dirs, &chain)) {
    if (err == ENOENT || err == ENOTDIR) return;  // nothing can be at the key
    if (err == ELOOP) {
      return Fail(key, PLUTON_FAILED_PRECONDITION,
                  "not deleted: a directory on the way to " + Describe(key) +
                      " is a symlink, which local storage does not follow; it is not an object");
    }
    return FailErrno(key, err, "opening a directory of " + Describe(key));
  }
  const int parent = chain.empty() ? bucket_fd : chain.back().get();
  struct stat st;
  if (::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) return FailErrno(key, errno, "checking " + Describe(key));
    return RemoveEmptyDirs(key, dirs, chain);  // already gone; tidy up what it may have left
  }
  if (S_ISDIR(st.st_mode)) {
    return Fail(key, PLUTON_FAILED_PRECONDITION,
                "not deleted: " + Describe(key) + " is a directory (other keys start with " +
                    Quoted(key + "/") + "), not an object; delete those keys instead");
  }
  if (!S_ISREG(st.st_mode)) {
    return Fail(key, PLUTON_FAILED_PRECONDITION,
                "not deleted: " + Describe(key) +
                    " is a symlink or special file, not an object; local storage leaves it alone");
  }
  // unlinkat never follows a symlink, so even a file swapped in meanwhile is only unlinked.
  if (::unlinkat(parent, leaf.c_str(), 0) != 0) {
    const int err = errno;
    if (err == EISDIR) {
      return Fail(key, PLUTON_FAILED_PRECONDITION,
                  "not deleted: " + Describe(key) + " became a directory while being deleted");
    }
    if (err != ENOENT) return FailErrno(key, err, "deleting " + Describe(key));
  }
  RemoveEmptyDirs(key, dirs, chain);
}

void Deletion::RemoveEmptyDirs(const std::string& key, const std::vector<std::string>& dirs,
                               const std::vector<UniqueFd>& chain) const {
  // chain[i] is dirs[i]; the parent of dirs[i] is chain[i - 1], or the bucket for i == 0.
  size_t removed_from = dirs.size();  // dirs[removed_from..] are gone
  while (removed_from > 0) {
    const size_t i = removed_from - 1;
    const int parent = i == 0 ? bucket_fd : chain[i - 1].get();
    if (::unlinkat(parent, dirs[i].c_str(), AT_REMOVEDIR) != 0) break;  // not empty, or in use
    removed_from = i;
  }
  if (!config.fsync) return;
  const int changed = removed_from == 0 ? bucket_fd : chain[removed_from - 1].get();
  if (const int err = Fsync(changed)) {
    plugin_sdk::GuardVoid([&] {
      Host().Log(PLUTON_LOG_WARNING, "deleted " + Describe(key) +
                                         " but could not flush its directory to disk: " +
                                         ErrnoText(err) + "; it may reappear after a power loss");
    });
  }
}

}  // namespace

pluton_error* DeleteObjects(const pluton_config* config, const pluton_delete_params* params,
                            pluton_delete_result** out) {
  if (!PLUTON_SDK_HAS_FIELD(params, pluton_delete_params, keys)) {
    return plugin_sdk::MakeError(PLUTON_INVALID_ARGUMENT, "INVALID_ARGUMENT",
                                 "delete_objects needs pluton_delete_params with bucket and "
                                 "keys; this is a host bug");
  }
  LocalConfig cfg;
  UniqueFd bucket;
  if (pluton_error* error = OpenBucketForCall(config, params->bucket, &cfg, &bucket)) return error;
  const std::string bucket_name(plugin_sdk::View(params->bucket));
  const pluton_cancel_token* cancel =
      PLUTON_SDK_HAS_FIELD(params, pluton_delete_params, cancel) ? params->cancel : nullptr;

  const std::vector<std::string> keys = plugin_sdk::ReadDeleteKeys(params);
  std::vector<DeleteFailure> failures;
  const Deletion deletion{cfg, bucket_name, bucket.get(), &failures};
  for (size_t i = 0; i < keys.size(); ++i) {
    if (plugin_sdk::CancelToken::Cancelled(cancel)) {
      for (size_t j = i; j < keys.size(); ++j) {
        deletion.Fail(keys[j], PLUTON_CANCELLED,
                      "not deleted: the request was cancelled before this key");
      }
      break;
    }
    deletion.DeleteKey(keys[i]);
  }
  *out = plugin_sdk::ReleaseDeleteResult(failures);
  return nullptr;
}

}  // namespace pluton::local_provider
