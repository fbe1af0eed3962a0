// Whether a directory's filesystem takes user extended attributes, probed on a file of the
// test's own (never on the product's output), so a product that stops writing its xattrs fails
// its tests instead of looking like a filesystem without them.
//
// Thread safety: creates and removes "<dir>/.xattr-probe"; do not call twice at once on the
// same directory.
#ifndef PLUTON_TESTS_COMMON_XATTR_PROBE_H_
#define PLUTON_TESTS_COMMON_XATTR_PROBE_H_

#include <sys/xattr.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace pluton::testing {

inline bool DirectoryTakesUserXattrs(const std::string& dir) {
  const std::string probe = dir + "/.xattr-probe";
  std::ofstream(probe) << "x";
  const bool supported = ::setxattr(probe.c_str(), "user.pluton.probe", "1", 1, 0) == 0;
  std::remove(probe.c_str());
  return supported;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_XATTR_PROBE_H_
