// Opening config.root, a bucket directory and a key's directories, for the calls that read or
// change existing objects (stat, listing, deletion, incomplete uploads).
//
// Below root nothing is followed: every step is openat(O_DIRECTORY | O_NOFOLLOW) from the
// previous directory's descriptor, so a symlink planted inside root never leads outside it.
// Root itself is opened by path (a symlink there is the admin's choice).
//
// Thread safety: pure functions over descriptors the caller owns; thread-safe.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_BUCKET_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_BUCKET_H_

#include <string>
#include <vector>

#include "local_config.h"
#include "local_fs.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

// Opens config.root as a directory. Errors: NOT_FOUND "ROOT_NOT_FOUND", FAILED_PRECONDITION
// "ROOT_NOT_A_DIRECTORY", else ErrnoError.
pluton_error* OpenRootDir(const LocalConfig& config, UniqueFd* out);

// Opens the directory of `bucket` (a name CheckBucket accepts) under `root_fd`. Errors:
// NOT_FOUND "BUCKET_NOT_FOUND" (no such directory), FAILED_PRECONDITION
// "BUCKET_NOT_A_DIRECTORY" (a file or a symlink), else ErrnoError.
pluton_error* OpenBucketDir(const LocalConfig& config, int root_fd, const std::string& bucket,
                            UniqueFd* out);

// Parses `config`, checks the bucket name (INVALID_ARGUMENT with a "bucket" violation) and opens
// root and the bucket directory. On success fills *config_out and *bucket_out.
pluton_error* OpenBucketForCall(const pluton_config* config, const char* bucket,
                                LocalConfig* config_out, UniqueFd* bucket_out);

// Opens dirs[0], dirs[0]/dirs[1], ... below `bucket_fd` without following symlinks and
// appends their descriptors to *chain (outermost first). Returns 0, or the errno of the first
// step that failed (ENOENT: missing; ENOTDIR: a file where a directory was expected; ELOOP: a
// symlink; others), with *chain holding the directories opened so far.
int OpenKeyDirs(int bucket_fd, const std::vector<std::string>& dirs, std::vector<UniqueFd>* chain);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_BUCKET_H_
