#include "local_walk.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "local_paths.h"
#include "pluton/sdk/abi_util.h"
#include "pluton/sdk/errors.h"

namespace pluton::local_provider {
namespace {

// Cancellation is polled once per this many steps (and on every directory read).
constexpr uint64_t kPollEvery = 64;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// A missing, replaced or symlinked directory is simply not walked.
bool Vanished(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP; }

// Whether `segment` can be a directory segment of a key (see CheckKey).
bool KeySegment(const std::string& segment) {
  return !segment.empty() && segment != "." && segment != ".." &&
         segment.size() <= kMaxSegmentLength;
}

pluton_error* CancelledError() {
  return plugin_sdk::MakeError(PLUTON_CANCELLED, "CANCELLED",
                               "the listing was cancelled by the service");
}

}  // namespace

KeyWalker::KeyWalker(UniqueFd bucket, Options options)
    : options_(std::move(options)), bucket_(std::move(bucket)) {
  if (options_.batch == 0) options_.batch = 1;
}

bool KeyWalker::Cancelled() { return plugin_sdk::CancelToken::Cancelled(options_.cancel); }

pluton_error* KeyWalker::DirError(int err, const std::string& path) const {
  return ErrnoError(err,
                    "reading directory " +
                        Quoted(JoinPath(JoinPath(options_.root, options_.bucket), path)) +
                        " of bucket " + Quoted(options_.bucket),
                    options_.root);
}

bool KeyWalker::Skipped(const std::string& path) const {
  return !skip_.empty() && StartsWith(path, skip_);
}

pluton_error* KeyWalker::Start() {
  started_ = true;
  // Enter the directory part of the prefix directly: no key elsewhere can match.
  const std::string& prefix = options_.prefix;
  const size_t last_slash = prefix.rfind('/');
  const std::string dir_part =
      last_slash == std::string::npos ? "" : prefix.substr(0, last_slash + 1);
  if (dir_part.size() >= kMaxKeyLength) return nullptr;  // no key fits: an empty walk
  UniqueFd current = std::move(bucket_);
  size_t start = 0;
  while (start < dir_part.size()) {
    const size_t slash = dir_part.find('/', start);
    const std::string segment = dir_part.substr(start, slash - start);
    if (!KeySegment(segment)) return nullptr;  // "", "." or "..": never part of a key
    const int fd = OpenDirAt(current.get(), segment.c_str());
    if (fd < 0) {
      const int err = errno;
      if (Vanished(err)) return nullptr;
      return DirError(err, dir_part.substr(0, slash + 1));
    }
    current = UniqueFd(fd);
    start = slash + 1;
  }
  return PushLevel(dir_part, std::move(current));
}

pluton_error* KeyWalker::PushLevel(std::string path, UniqueFd fd) {
  UniqueDir dir = UniqueDir::FromFd(std::move(fd));
  if (!dir.valid()) return DirError(errno, path);
  Level level;
  level.path = std::move(path);
  level.dir = std::move(dir);
  levels_.push_back(std::move(level));
  return nullptr;
}

bool KeyWalker::Accept(const Level& level, const DirEntry& entry) const {
  if (level.read && !(level.cursor < entry.sort_key)) return false;  // taken already
  const std::string full = level.path + entry.sort_key;
  if (Skipped(full)) return false;
  const std::string& prefix = options_.prefix;
  const std::string& after = options_.after;
  if (!entry.is_directory) {
    return full.size() <= kMaxKeyLength && StartsWith(full, prefix) && after < full;
  }
  // Keys below the directory are full + at least one byte.
  if (full.size() >= kMaxKeyLength) return false;
  if (!StartsWith(full, prefix) && !StartsWith(prefix, full)) return false;
  // All its keys are <= after exactly when after is past full and not inside the directory.
  return !(full < after && !StartsWith(after, full));
}

pluton_error* KeyWalker::Refill(Level* level) {
  if (Cancelled()) return CancelledError();
  std::vector<DirEntry> batch;
  bool complete = false;
  const int err = ReadSmallestEntries(
      level->dir, options_.batch, [&](const DirEntry& entry) { return Accept(*level, entry); },
      &batch, &complete);
  if (err != 0) return DirError(err, level->path);
  level->batch = std::move(batch);
  level->index = 0;
  level->read = true;
  level->complete = complete;
  return nullptr;
}

pluton_error* KeyWalker::Next(Item* item, bool* done) {
  *done = false;
  if (!started_) {
    if (pluton_error* error = Start()) return error;
  }
  while (true) {
    if (++steps_ % kPollEvery == 0 && Cancelled()) return CancelledError();
    if (pending_) {
      pending_ = false;
      if (!levels_.empty() && !Skipped(pending_path_)) {
        const int fd = OpenDirAt(levels_.back().dir.fd(), pending_name_.c_str());
        if (fd >= 0) {
          if (pluton_error* error = PushLevel(pending_path_, UniqueFd(fd))) return error;
        } else if (!Vanished(errno)) {
          return DirError(errno, pending_path_);
        }
      }
    }
    if (levels_.empty()) {
      *done = true;
      return nullptr;
    }
    Level& top = levels_.back();
    if (top.index == top.batch.size()) {
      if (top.read && top.complete) {
        levels_.pop_back();
        continue;
      }
      if (pluton_error* error = Refill(&top)) return error;
      if (top.batch.empty()) {
        levels_.pop_back();
        continue;
      }
    }
    DirEntry& entry = top.batch[top.index++];
    top.cursor = entry.sort_key;
    std::string full = top.path + entry.sort_key;
    if (Skipped(full)) continue;  // SkipPrefix was called after this batch was read
    if (entry.is_directory) {
      item->is_directory = true;
      item->path = full;
      item->name = entry.name;
      item->dir_fd = top.dir.fd();
      item->st = {};
      pending_ = true;
      pending_name_ = entry.name;
      pending_path_ = std::move(full);
      return nullptr;
    }
    struct stat st;
    if (::fstatat(top.dir.fd(), entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed meanwhile
      return DirError(errno, top.path);
    }
    if (!S_ISREG(st.st_mode)) continue;  // replaced by something that is not an object
    item->is_directory = false;
    item->path = std::move(full);
    item->name = entry.name;
    item->dir_fd = top.dir.fd();
    item->st = st;
    return nullptr;
  }
}

void KeyWalker::SkipPrefix(const std::string& prefix) {
  skip_ = prefix;
  while (!levels_.empty() && Skipped(levels_.back().path)) levels_.pop_back();
}

pluton_error* KeyWalker::HasFile(const Item& directory, bool* has) {
  *has = false;
  const int fd = OpenDirAt(directory.dir_fd, directory.name.c_str());
  if (fd < 0) {
    if (Vanished(errno)) return nullptr;
    return DirError(errno, directory.path);
  }
  return SubtreeHasFile(UniqueFd(fd), directory.path, has);
}

pluton_error* KeyWalker::SubtreeHasFile(UniqueFd fd, const std::string& path, bool* has) {
  if (Cancelled()) return CancelledError();
  UniqueDir dir = UniqueDir::FromFd(std::move(fd));
  if (!dir.valid()) return DirError(errno, path);
  // Depth first, one open directory per level; no names are collected.
  while (true) {
    errno = 0;
    const struct dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return DirError(errno, path);
      return nullptr;
    }
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    const size_t name_length = std::strlen(entry->d_name);
    const EntryKind kind = KindOf(dir.fd(), *entry);
    if (kind == EntryKind::kFile && path.size() + name_length <= kMaxKeyLength) {
      *has = true;
      return nullptr;
    }
    if (kind != EntryKind::kDirectory || path.size() + name_length + 1 >= kMaxKeyLength) continue;
    const int child = OpenDirAt(dir.fd(), entry->d_name);
    if (child < 0) {
      if (Vanished(errno)) continue;
      return DirError(errno, path + entry->d_name + "/");
    }
    if (pluton_error* error = SubtreeHasFile(UniqueFd(child), path + entry->d_name + "/", has)) {
      return error;
    }
    if (*has) return nullptr;
  }
}

}  // namespace pluton::local_provider
