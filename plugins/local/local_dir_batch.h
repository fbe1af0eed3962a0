// Reading one directory in sorted batches of bounded size.
//
// readdir returns entries in no useful order, so finding "the next names after X" means reading
// the whole directory. ReadSmallestEntries does that while keeping only the `cap` smallest
// accepted entries (a bounded heap): memory is O(cap) names whatever the directory holds, and a
// caller that needs more reads again from its last name on. Time is one pass over the
// directory per batch.
//
// Thread safety: a UniqueDir is used by one thread at a time; the functions are thread-safe on
// distinct directories.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_DIR_BATCH_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_DIR_BATCH_H_

#include <dirent.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "local_fs.h"

namespace pluton::local_provider {

// Owns a DIR* (and so its descriptor); closes it on destruction.
class UniqueDir {
 public:
  UniqueDir() = default;
  // Takes ownership of an open directory descriptor: fdopendir(fd). On failure returns an
  // invalid UniqueDir with errno set, and `fd` is closed.
  static UniqueDir FromFd(UniqueFd fd);
  ~UniqueDir();
  UniqueDir(UniqueDir&& other) noexcept : dir_(other.dir_) { other.dir_ = nullptr; }
  UniqueDir& operator=(UniqueDir&& other) noexcept;
  UniqueDir(const UniqueDir&) = delete;
  UniqueDir& operator=(const UniqueDir&) = delete;

  bool valid() const { return dir_ != nullptr; }
  DIR* get() const { return dir_; }
  int fd() const { return dir_ == nullptr ? -1 : ::dirfd(dir_); }

 private:
  explicit UniqueDir(DIR* dir) : dir_(dir) {}
  DIR* dir_ = nullptr;
};

struct DirEntry {
  std::string name;
  bool is_directory = false;
  // `name`, plus '/' for a directory: where the keys below it sort among the other names of
  // the directory (see local_walk.h).
  std::string sort_key;
};

// The type of one readdir entry, without following symlinks (DT_UNKNOWN is resolved with
// fstatat AT_SYMLINK_NOFOLLOW on `dir_fd`).
enum class EntryKind { kFile, kDirectory, kOther, kGone };
EntryKind KindOf(int dir_fd, const struct dirent& entry);

// Reads `dir` from its start (rewinddir) and returns in *out, sorted by sort_key (byte order),
// the `cap` (>= 1) smallest entries that are regular files or directories and that `accept`
// takes. Skipped: ".", "..", symlinks, other file types and entries that vanish while read.
// *complete is set when *out holds every accepted entry. Returns 0 or the errno of readdir.
int ReadSmallestEntries(const UniqueDir& dir, size_t cap,
                        const std::function<bool(const DirEntry&)>& accept,
                        std::vector<DirEntry>* out, bool* complete);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_DIR_BATCH_H_
