#include "local_list.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "local_bucket.h"
#include "local_config.h"
#include "local_fs.h"
#include "local_walk.h"
#include "local_xattr.h"
#include "pluton/sdk/errors.h"
#include "pluton/sdk/housekeeping.h"

namespace pluton::local_provider {
namespace {

// Names of one directory held at a time, beyond what one page can use.
constexpr size_t kMinBatch = 64;

// The common prefix `path` (a key, or a directory's "dir/") rolls up into: up to and including
// the first delimiter at or after the end of the prefix, when that delimiter lies wholly in
// `path`; else "". For a directory this means every key below it rolls up into the same one.
std::string RollUp(const std::string& path, const std::string& prefix,
                   const std::string& delimiter) {
  if (delimiter.empty() || path.size() < prefix.size()) return "";
  const size_t at = path.find(delimiter, prefix.size());
  if (at == std::string::npos) return "";
  return path.substr(0, at + delimiter.size());
}

// Fills size, time and etag of the file `item`. Returns false when it is no longer a regular
// file (skipped). The MD5 needs the file opened; when that fails (permissions) the entry keeps
// the walk's stat and an empty etag.
bool DescribeFile(const KeyWalker::Item& item, plugin_sdk::ObjectEntry* entry) {
  struct stat st = item.st;
  const int fd = ::openat(item.dir_fd, item.name.c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    UniqueFd file(fd);
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    entry->etag = HexOf(ReadStoredMd5(fd));
  } else if (errno == ENOENT || errno == ELOOP) {
    return false;  // removed, or replaced by a symlink, meanwhile
  }
  entry->key = item.path;
  entry->size = static_cast<uint64_t>(st.st_size);
  entry->modified_unix_ms = ModifiedUnixMs(st);
  return true;
}

}  // namespace

pluton_error* ListObjects(const pluton_config* config, const pluton_list_params* params,
                          pluton_object_list** out) {
  const plugin_sdk::ListRequest request = plugin_sdk::ReadListParams(params);
  LocalConfig cfg;
  UniqueFd bucket;
  if (pluton_error* error = OpenBucketForCall(config, request.bucket.c_str(), &cfg, &bucket)) {
    return error;
  }
  KeyWalker::Options options;
  options.prefix = request.prefix;
  options.after = request.page_token;
  options.batch = std::max<size_t>(request.max_entries + size_t{1}, kMinBatch);
  options.cancel = request.cancel;
  options.root = cfg.root;
  options.bucket = request.bucket;
  KeyWalker walker(std::move(bucket), std::move(options));

  const std::string& token = request.page_token;
  plugin_sdk::ObjectListPage page;
  size_t entries = 0;
  std::string last;   // the last key or common prefix put on the page
  bool more = false;  // an entry beyond the page exists
  // Puts a common prefix on the page (false when the page is already full).
  auto add_prefix = [&](const std::string& common) {
    if (entries == request.max_entries) return false;
    page.common_prefixes.push_back(common);
    last = common;
    ++entries;
    return true;
  };

  while (true) {
    KeyWalker::Item item;
    bool done = false;
    if (pluton_error* error = walker.Next(&item, &done)) return error;
    if (done) break;
    const std::string common = RollUp(item.path, request.prefix, request.delimiter);
    if (item.is_directory) {
      if (common.empty()) continue;  // its keys do not all roll up into one prefix: walk it
      if (common <= token) {         // returned on an earlier page, with every key below it
        walker.SkipPrefix(common);
        continue;
      }
      bool has_file = false;
      if (pluton_error* error = walker.HasFile(item, &has_file)) return error;
      if (!has_file) {  // no object below it: no common prefix from it
        walker.SkipPrefix(item.path);
        continue;
      }
      if (!add_prefix(common)) {
        more = true;
        break;
      }
      walker.SkipPrefix(common);
      continue;
    }
    if (!common.empty()) {
      // (A key is > token here, but its common prefix may have been the token.)
      if (common > token && !add_prefix(common)) {
        more = true;
        break;
      }
      walker.SkipPrefix(common);
      continue;
    }
    plugin_sdk::ObjectEntry entry;
    if (!DescribeFile(item, &entry)) continue;
    if (entries == request.max_entries) {
      more = true;
      break;
    }
    last = entry.key;
    page.objects.push_back(std::move(entry));
    ++entries;
  }
  page.next_page_token = more ? last : "";
  *out = plugin_sdk::ReleaseObjectList(page);
  return nullptr;
}

}  // namespace pluton::local_provider
