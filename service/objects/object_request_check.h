// Request checks shared by the object housekeeping RPCs (list, stat, delete, incomplete
// uploads, lifecycle): collects violations for the common fields so each RPC reports every
// problem at once.
// Thread safety: a RequestCheck is used by one thread.
#ifndef PLUTON_SERVICE_OBJECTS_OBJECT_REQUEST_CHECK_H_
#define PLUTON_SERVICE_OBJECTS_OBJECT_REQUEST_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/rich_status.h"

namespace pluton::storage {

class RequestCheck {
 public:
  // "storage" and "bucket" are required by every housekeeping request.
  RequestCheck(const std::string& storage, const std::string& bucket);

  // `field` must be a valid object key (upload rules).
  void Key(const std::string& field, const std::string& key);
  // A page size: 0 (the default, 1000) or 1..1000. Returns the size to use.
  uint32_t PageSize(int32_t page_size);
  // `text` must not hold a NUL byte (prefix, delimiter, page token).
  void NoNul(const std::string& field, const std::string& text);
  void Add(std::string field, std::string description);

  // OK, or INVALID_ARGUMENT "<what> is invalid" with every violation.
  absl::Status Result(const std::string& what) const;

 private:
  std::vector<FieldViolation> violations_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_OBJECTS_OBJECT_REQUEST_CHECK_H_
