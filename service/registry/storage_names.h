// Names and identifiers of storages.
//
// A storage has an immutable server-assigned id ("stg_" + 16 lowercase hex digits) and a
// unique user-chosen name. Requests may refer to a storage by either; a name can never look
// like an id, so a reference is never ambiguous.
//
// Thread safety: free functions; NewStorageId uses OpenSSL's thread-safe RAND_bytes.
#ifndef PLUTON_SERVICE_REGISTRY_STORAGE_NAMES_H_
#define PLUTON_SERVICE_REGISTRY_STORAGE_NAMES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pluton::storage {

// A fresh random id.
std::string NewStorageId();

// Whether `ref` has the form of a storage id.
bool LooksLikeStorageId(absl::string_view ref);

// OK, or INVALID_ARGUMENT with a violation on `field` saying what a valid name is.
absl::Status ValidateStorageName(absl::string_view name, absl::string_view field);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_REGISTRY_STORAGE_NAMES_H_
