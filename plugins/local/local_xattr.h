// The extended attributes the local provider keeps on its files, and reading and writing them.
//
// All live in the "user." namespace, so they need a filesystem with user xattrs. Writing them is
// always best effort (a filesystem without them, ENOTSUP, still stores objects), and a missing
// attribute reads as absent:
//   kMd5Xattr          the object's MD5, 16 raw bytes (objects; set by the upload)
//   kContentTypeXattr  the content type given at upload, when not "" (objects)
//   kMetaXattrPrefix   + a user metadata key: that key's value (objects)
//   kBucketXattr,      the bucket and key an upload in progress is writing (its temporary file
//   kKeyXattr          in <root>/.pluton-partial only; removed before the file becomes the object)
//
// Every function works on an open descriptor, so no path (and no symlink) is resolved.
// Thread safety: pure functions, thread-safe.
#ifndef PLUTON_PLUGINS_LOCAL_LOCAL_XATTR_H_
#define PLUTON_PLUGINS_LOCAL_LOCAL_XATTR_H_

#include <string>
#include <string_view>
#include <vector>

namespace pluton::local_provider {

inline constexpr char kMd5Xattr[] = "user.pluton.md5";
inline constexpr char kContentTypeXattr[] = "user.pluton.content_type";
inline constexpr char kMetaXattrPrefix[] = "user.pluton.meta.";
inline constexpr char kBucketXattr[] = "user.pluton.bucket";
inline constexpr char kKeyXattr[] = "user.pluton.key";

// Reads attribute `name` of `fd` into *value. Returns 0, or an errno: ENODATA when `fd` has no
// such attribute, ENOTSUP when its filesystem has no user attributes, others from fgetxattr.
int ReadXattr(int fd, const char* name, std::string* value);

// Sets attribute `name` of `fd` to `value` (creating or replacing it). Returns 0 or an errno.
int WriteXattr(int fd, const std::string& name, std::string_view value);

// The names of every attribute of `fd` (any namespace the caller may see). Returns 0 or errno.
int ListXattrNames(int fd, std::vector<std::string>* names);

// The MD5 stored with an object (kMd5Xattr): 16 raw bytes, or "" when there is none (absent,
// the wrong size, or unreadable).
std::string ReadStoredMd5(int fd);

// Lowercase hexadecimal of `bytes` ("" for "").
std::string HexOf(std::string_view bytes);

}  // namespace pluton::local_provider

#endif  // PLUTON_PLUGINS_LOCAL_LOCAL_XATTR_H_
