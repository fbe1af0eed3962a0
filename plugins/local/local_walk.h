// Walking a bucket's files in key order (S3's: byte-wise order of the whole keys).
//
// Keys are paths below the bucket directory. Within one directory with path P ("" or
// "dir/sub/"), a file `f` has the key P+f and every key below a subdirectory `d` starts with
// P+d+"/". Since names contain no '/', sorting a directory's entries by `f` for files and `d/`
// for directories orders them exactly as the keys they hold: all keys under d/ fall between
// the neighbours of "d/" (e.g. "a-b" < "a/..." < "a0", because '-' < '/' < '0'). The walk is a
// depth-first visit of each directory in that order, so it produces keys in byte order without
// collecting and sorting the keys of the whole bucket.
//
// Pruning: only directories that can hold keys starting with `prefix` are entered (the
// prefix's directory part is opened directly), and nothing whose keys are all <= `after` (a
// page token) is visited. SkipPrefix drops everything starting with a given string (the
// listing's roll-up into common prefixes).
//
// Safety: every directory is opened with openat(O_DIRECTORY | O_NOFOLLOW) from its parent's
// descriptor; symlinks, special files and entries that vanish meanwhile are skipped. Files
// whose key would be longer than kMaxKeyLength, or whose directory part of the prefix is not a
// valid key path (".", "..", empty segments), are never produced: they cannot be keys.
//
// Resources: one open directory per level of the current path (at most kMaxKeyLength / 2
// levels), and per level at most `batch` names of that directory (local_dir_batch.h): memory
// does not grow with the size of the bucket or of a directory. Each batch costs one pass over
// its directory.
//
// Thread safety: a KeyWalker is used by one thread at a time.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_WALK_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_WALK_H_

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "local_dir_batch.h"
#include "local_fs.h"
#include "pluton/storage_plugin.h"

namespace pluton::local_provider {

class KeyWalker {
 public:
  struct Options {
    std::string prefix;                           // only keys starting with it
    std::string after;                            // only keys strictly greater than it ("" for all)
    size_t batch = 64;                            // names of one directory held at a time (>= 1)
    const pluton_cancel_token* cancel = nullptr;  // polled; must outlive the walker
    std::string root;                             // config.root, for error messages
    std::string bucket;                           // the bucket's name, for error messages
  };

  // One step of the walk: a file, or a directory about to be entered.
  struct Item {
    bool is_directory = false;
    // File: its key. Directory: the start of every key below it, ending with '/'.
    std::string path;
    std::string name;   // its name in dir_fd
    int dir_fd = -1;    // the directory holding it; valid until the next call on the walker
    struct stat st {};  // files: fstatat(AT_SYMLINK_NOFOLLOW) at the time of the step
  };

  // `bucket` is the bucket's open directory; the walker takes it.
  KeyWalker(UniqueFd bucket, Options options);
  KeyWalker(const KeyWalker&) = delete;
  KeyWalker& operator=(const KeyWalker&) = delete;

  // The next file or directory in key order; *done at the end of the walk (item untouched). A
  // directory returned here is entered on the next call unless SkipPrefix covers it. Errors:
  // CANCELLED, or an errno error for a directory that exists but cannot be read.
  pluton_error* Next(Item* item, bool* done);

  // From now on, skip every key starting with `prefix` (including directories not yet entered
  // and the rest of directories being walked). `prefix` must not be less than keys already
  // produced (the walk only moves forward).
  void SkipPrefix(const std::string& prefix);

  // Whether `directory` (the directory item just returned by Next) holds, at any depth and
  // without following symlinks, at least one regular file whose key is not too long. Stops at
  // the first one found. Call before any other call on the walker.
  pluton_error* HasFile(const Item& directory, bool* has);

 private:
  struct Level {
    std::string path;  // "" for the bucket, else "dir/sub/"
    UniqueDir dir;
    std::vector<DirEntry> batch;
    size_t index = 0;       // next entry of batch
    bool read = false;      // batch was read at least once
    bool complete = false;  // the last read took every remaining entry
    std::string cursor;     // sort_key of the last entry taken (when read)
  };

  pluton_error* Start();
  pluton_error* PushLevel(std::string path, UniqueFd fd);
  pluton_error* Refill(Level* level);
  bool Accept(const Level& level, const DirEntry& entry) const;
  bool Skipped(const std::string& path) const;
  bool Cancelled();
  pluton_error* DirError(int err, const std::string& path) const;
  pluton_error* SubtreeHasFile(UniqueFd dir, const std::string& path, bool* has);

  Options options_;
  UniqueFd bucket_;  // until Start
  bool started_ = false;
  std::vector<Level> levels_;
  std::string skip_;      // SkipPrefix's argument, "" for none
  bool pending_ = false;  // the last item was a directory to enter on the next call
  std::string pending_name_;
  std::string pending_path_;
  uint64_t steps_ = 0;
};

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_WALK_H_
