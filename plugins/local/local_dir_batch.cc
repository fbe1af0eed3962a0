#include "local_dir_batch.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>
#include <utility>

namespace pluton::local_provider {
namespace {

struct SortKeyLess {
  bool operator()(const DirEntry& a, const DirEntry& b) const { return a.sort_key < b.sort_key; }
};

}  // namespace

UniqueDir UniqueDir::FromFd(UniqueFd fd) {
  DIR* dir = ::fdopendir(fd.get());
  if (dir == nullptr) return UniqueDir();  // errno is fdopendir's; `fd` closes it
  fd.release();                            // now owned by `dir`
  return UniqueDir(dir);
}

UniqueDir::~UniqueDir() {
  if (dir_ != nullptr) ::closedir(dir_);
}

UniqueDir& UniqueDir::operator=(UniqueDir&& other) noexcept {
  if (this != &other) {
    if (dir_ != nullptr) ::closedir(dir_);
    dir_ = other.dir_;
    other.dir_ = nullptr;
  }
  return *this;
}

EntryKind KindOf(int dir_fd, const struct dirent& entry) {
  switch (entry.d_type) {
    case DT_REG:
      return EntryKind::kFile;
    case DT_DIR:
      return EntryKind::kDirectory;
    case DT_UNKNOWN:
      break;
    default:
      return EntryKind::kOther;
  }
  struct stat st;
  if (::fstatat(dir_fd, entry.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return EntryKind::kGone;
  if (S_ISREG(st.st_mode)) return EntryKind::kFile;
  if (S_ISDIR(st.st_mode)) return EntryKind::kDirectory;
  return EntryKind::kOther;
}

int ReadSmallestEntries(const UniqueDir& dir, size_t cap,
                        const std::function<bool(const DirEntry&)>& accept,
                        std::vector<DirEntry>* out, bool* complete) {
  out->clear();
  *complete = true;
  if (cap == 0) cap = 1;
  ::rewinddir(dir.get());
  // A max-heap of the smallest entries seen so far: its top is the largest kept.
  std::priority_queue<DirEntry, std::vector<DirEntry>, SortKeyLess> kept;
  while (true) {
    errno = 0;
    const struct dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return errno;
      break;
    }
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    const EntryKind kind = KindOf(dir.fd(), *entry);
    if (kind != EntryKind::kFile && kind != EntryKind::kDirectory) continue;
    DirEntry candidate;
    candidate.name = entry->d_name;
    candidate.is_directory = kind == EntryKind::kDirectory;
    candidate.sort_key = candidate.is_directory ? candidate.name + "/" : candidate.name;
    if (!accept(candidate)) continue;
    if (kept.size() == cap) {
      *complete = false;  // at least one accepted entry is left out
      if (!(candidate.sort_key < kept.top().sort_key)) continue;
      kept.pop();
    }
    kept.push(std::move(candidate));
  }
  out->reserve(kept.size());
  while (!kept.empty()) {
    out->push_back(kept.top());
    kept.pop();
  }
  std::reverse(out->begin(), out->end());
  return 0;
}

}  // namespace pluton::local_provider
