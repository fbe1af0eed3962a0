// Authorizer: who is calling (a bearer token or a client certificate) and whether they may
// make this call, for every StorageService method.
//
// Each call is checked in two steps, because the storage a call names is known only after its
// request is decoded (for Upload, its header message):
//
//   absl::StatusOr<CallAccess> access = authorizer.Admit(*context, Rpc::kListObjects);
//   if (!access.ok()) return FinishNow(context, access.status());  // UNAUTHENTICATED/...
//   ... decode the request ...
//   RETURN_IF_ERROR(access->CheckStorage(request.storage()));       // PERMISSION_DENIED
//
// Admit authenticates (the `authorization: Bearer <token>` metadata, else the verified
// client certificate of an mTLS connection) and checks the role may call the method at all;
// CheckStorage checks a non-admin caller is granted the storage named by id or name. Every
// refusal carries a google.rpc.ErrorInfo reason (below) and is logged with the caller's name
// and address, never the token.
//
// With authentication off (no access file and no client CA) every call is admitted with full
// access, as before authentication existed.
//
// Thread safety: Admit and everything of CallAccess may be called concurrently. A CallAccess
// holds what it needs (the config version it was admitted under); the StorageLookup must
// outlive it.
#ifndef PLUTON_SERVICE_AUTH_AUTHORIZER_H_
#define PLUTON_SERVICE_AUTH_AUTHORIZER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/access_file.h"
#include "auth/access_file_watcher.h"
#include "auth/rpc.h"
#include "grpcpp/server_context.h"

namespace pluton::storage {

// ErrorInfo reasons of refused calls.
inline constexpr absl::string_view kReasonMissingCredentials = "MISSING_CREDENTIALS";
inline constexpr absl::string_view kReasonMalformedAuthorization = "MALFORMED_AUTHORIZATION";
inline constexpr absl::string_view kReasonUnknownToken = "UNKNOWN_TOKEN";
inline constexpr absl::string_view kReasonTokenExpired = "TOKEN_EXPIRED";
inline constexpr absl::string_view kReasonUnknownCertificate = "UNKNOWN_CERTIFICATE";
inline constexpr absl::string_view kReasonRoleNotAllowed = "ROLE_NOT_ALLOWED";
inline constexpr absl::string_view kReasonStorageNotGranted = "STORAGE_NOT_GRANTED";

// A saved storage's id and current name.
struct StorageIdentity {
  std::string id;
  std::string name;
};
// Finds a saved storage by id or name: NOT_FOUND when there is none, another error when the
// ref is invalid or the lookup failed. Must be callable concurrently.
using StorageLookup = std::function<absl::StatusOr<StorageIdentity>(const std::string& ref)>;

// What one admitted call may do.
class CallAccess {
 public:
  // Every storage (authentication off, or an admin).
  bool unrestricted() const { return principal_ == nullptr || principal_->role == Role::kAdmin; }

  // OK when the caller may use the storage `ref` (an id or a name): unrestricted, or a grant
  // matches the storage's id or current name. A ref that names no storage passes only when a
  // grant matches the ref itself (the call then reports NOT_FOUND), so a caller cannot probe
  // which storages exist. Otherwise PERMISSION_DENIED (STORAGE_NOT_GRANTED), logged.
  absl::Status CheckStorage(const std::string& ref) const;

  // CheckStorage, and the key the call counts against its storage's share of a pool
  // (api/blocking_call_limiter.h): the storage's id, or `ref` itself when it names no storage,
  // so a storage called by id and by name is one storage. Looks the storage up also for an
  // unrestricted caller; an invalid ref is the lookup's error (INVALID_ARGUMENT).
  absl::StatusOr<std::string> StorageShareKey(const std::string& ref) const;

  // Who calls, for fair shares of the pools: the name in the access file (or of an mTLS
  // certificate). With authentication off, callers cannot be told apart but by address: the
  // peer's address without its port ("127.0.0.1"; every caller on a unix socket is one).
  std::string caller_identity() const;

  // Whether a storage the caller is about to be shown is granted (ListStorages filters by it).
  bool Sees(absl::string_view id, absl::string_view name) const;

 private:
  friend class Authorizer;
  CallAccess(Rpc rpc, std::shared_ptr<const Principal> principal, std::string peer,
             const StorageLookup* lookup)
      : rpc_(rpc), principal_(std::move(principal)), peer_(std::move(peer)), lookup_(lookup) {}

  // OK, or PERMISSION_DENIED (logged) when `ref`, naming the storage `id`/`name`, is not
  // granted.
  absl::Status CheckGranted(const std::string& ref, absl::string_view id,
                            absl::string_view name) const;

  Rpc rpc_;
  std::shared_ptr<const Principal> principal_;  // null: authentication off
  std::string peer_;                            // for log lines and caller_identity()
  const StorageLookup* lookup_;
};

class Authorizer {
 public:
  // Authentication off: every call is admitted.
  static std::unique_ptr<Authorizer> Open(StorageLookup lookup);
  // Authentication on. `access_file` (may be null) lists tokens and certificates; without it
  // every client certificate the TLS layer verified (mTLS) is an admin. REQUIRES:
  // `access_file` or `client_certificates_verified`.
  static std::unique_ptr<Authorizer> Enforcing(std::unique_ptr<AccessFileWatcher> access_file,
                                               bool client_certificates_verified,
                                               StorageLookup lookup);

  bool enabled() const { return enforcing_; }

  // Step one of every call: who calls and whether their role may call `rpc`. UNAUTHENTICATED
  // (MISSING_CREDENTIALS, MALFORMED_AUTHORIZATION, UNKNOWN_TOKEN, UNKNOWN_CERTIFICATE) or
  // PERMISSION_DENIED (ROLE_NOT_ALLOWED), logged.
  absl::StatusOr<CallAccess> Admit(const grpc::ServerContextBase& context, Rpc rpc) const;

 private:
  Authorizer(bool enforcing, std::unique_ptr<AccessFileWatcher> access_file,
             bool client_certificates_verified, StorageLookup lookup)
      : enforcing_(enforcing),
        access_file_(std::move(access_file)),
        client_certificates_verified_(client_certificates_verified),
        lookup_(std::move(lookup)) {}

  absl::StatusOr<std::shared_ptr<const Principal>> Authenticate(
      const grpc::ServerContextBase& context) const;

  const bool enforcing_;
  const std::unique_ptr<AccessFileWatcher> access_file_;
  const bool client_certificates_verified_;
  const StorageLookup lookup_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_AUTH_AUTHORIZER_H_
