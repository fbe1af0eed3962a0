#include "client/file_md5.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/byte_source.h"
#include "client/digest.h"

namespace pluton::storage::client {

absl::StatusOr<std::string> Md5OfFile(const std::string& path) {
  absl::StatusOr<std::unique_ptr<FdByteSource>> file = FdByteSource::OpenFile(path);
  if (!file.ok()) return file.status();
  Digest md5(/*enabled=*/true, EVP_md5());
  std::vector<char> buffer(1 << 20);
  while (true) {
    absl::StatusOr<size_t> n = (*file)->Read(buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    md5.Update(buffer.data(), *n);
  }
  std::string digest = md5.Final();
  if (digest.empty()) {
    return absl::InternalError(
        absl::StrCat("cannot compute the MD5 of ", path, ": OpenSSL failed"));
  }
  return digest;
}

}  // namespace pluton::storage::client
