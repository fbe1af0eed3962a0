// StorageStore: where storage registrations persist.
//
// The store is deliberately dumb: it keeps records and enforces uniqueness of id and name.
// Validation, secret sealing and redaction happen above it (StorageRegistry), so another
// implementation (PostgreSQL, later) only has to persist rows. Secrets reach the store already
// sealed (AES-256-GCM, see secret_box.h) and the store never sees plaintext.
//
// Thread safety: every method of every implementation may be called concurrently.
#ifndef PLUTON_SERVICE_STORE_STORAGE_STORE_H_
#define PLUTON_SERVICE_STORE_STORAGE_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pluton::storage {

// One registered storage as persisted.
struct StorageRecord {
  std::string id;                             // "stg_" + 16 lowercase hex digits; immutable; unique
  std::string name;                           // unique, case-sensitive
  std::string provider;                       // provider id, e.g. "r2"
  std::map<std::string, std::string> config;  // non-secret configuration values
  std::string sealed_secrets;                 // SecretBox::Seal output (binary); may be empty
  absl::Time create_time;
  absl::Time update_time;
};

// Which records List returns.
struct StorageListQuery {
  std::string provider;    // only this provider; empty for all
  std::string after_name;  // only names strictly greater than this (byte order); "" for first
  int limit = 50;          // at most this many; > 0
};

class StorageStore {
 public:
  virtual ~StorageStore() = default;

  // Adds a record. ALREADY_EXISTS when the id or the name is taken (the message names which).
  virtual absl::Status Insert(const StorageRecord& record) = 0;

  // NOT_FOUND when absent.
  virtual absl::StatusOr<StorageRecord> GetById(const std::string& id) = 0;
  virtual absl::StatusOr<StorageRecord> GetByName(const std::string& name) = 0;

  // Records ordered by name (byte order), filtered and paged per `query`.
  virtual absl::StatusOr<std::vector<StorageRecord>> List(const StorageListQuery& query) = 0;

  // Replaces the record with the same id (every field but id and create_time).
  // NOT_FOUND when absent, ALREADY_EXISTS when the new name belongs to another record.
  virtual absl::Status Update(const StorageRecord& record) = 0;

  // NOT_FOUND when absent.
  virtual absl::Status Delete(const std::string& id) = 0;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_STORE_STORAGE_STORE_H_
