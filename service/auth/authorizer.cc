#include "auth/authorizer.h"

#include <openssl/crypto.h>

#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/rich_status.h"
#include "common/status_macros.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"

namespace pluton::storage {
namespace {

constexpr char kComponent[] = "auth";
constexpr absl::string_view kBearer = "bearer ";

std::string Describe(const Principal& principal) {
  return absl::StrCat("\"", principal.name, "\" (", RoleName(principal.role), ")");
}

// A refusal: logged with the caller and address (never a token), returned with its reason.
absl::Status Refuse(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                    Rpc rpc, absl::string_view caller, absl::string_view peer) {
  LogWarning(kComponent, "refused ", RpcName(rpc), " from ", peer, " caller ", caller, ": ", reason,
             ": ", message);
  return MakeRichStatus(code, message, reason);
}

std::vector<std::string> PropertyValues(const grpc::AuthContext& auth, const char* name) {
  std::vector<std::string> values;
  for (const grpc::string_ref& value : auth.FindPropertyValues(name)) {
    values.emplace_back(value.data(), value.size());
  }
  return values;
}

}  // namespace

std::unique_ptr<Authorizer> Authorizer::Open(StorageLookup lookup) {
  return std::unique_ptr<Authorizer>(new Authorizer(false, nullptr, false, std::move(lookup)));
}

std::unique_ptr<Authorizer> Authorizer::Enforcing(std::unique_ptr<AccessFileWatcher> access_file,
                                                  bool client_certificates_verified,
                                                  StorageLookup lookup) {
  return std::unique_ptr<Authorizer>(new Authorizer(
      true, std::move(access_file), client_certificates_verified, std::move(lookup)));
}

absl::StatusOr<CallAccess> Authorizer::Admit(const grpc::ServerContextBase& context,
                                             Rpc rpc) const {
  std::string peer = context.peer();
  if (!enforcing_) return CallAccess(rpc, nullptr, std::move(peer), &lookup_);
  absl::StatusOr<std::shared_ptr<const Principal>> principal = Authenticate(context);
  if (!principal.ok()) {
    return Refuse(absl::StatusCode::kUnauthenticated, ReasonOf(principal.status()),
                  principal.status().message(), rpc, "(unauthenticated)", peer);
  }
  const Principal& who = **principal;
  if (!RoleMayCall(who.role, rpc)) {
    return Refuse(absl::StatusCode::kPermissionDenied, kReasonRoleNotAllowed,
                  absl::StrCat(Describe(who), " may not call ", RpcName(rpc), ": it needs role ",
                               RolesAllowed(rpc)),
                  rpc, Describe(who), peer);
  }
  return CallAccess(rpc, *std::move(principal), std::move(peer), &lookup_);
}

absl::StatusOr<std::shared_ptr<const Principal>> Authorizer::Authenticate(
    const grpc::ServerContextBase& context) const {
  const std::shared_ptr<const AccessConfig> config =
      access_file_ ? access_file_->Current() : nullptr;
  auto unauthenticated = [](absl::string_view reason, absl::string_view message) {
    return MakeRichStatus(absl::StatusCode::kUnauthenticated, message, reason);
  };

  const auto& metadata = context.client_metadata();
  const auto headers = metadata.equal_range("authorization");
  if (headers.first != headers.second) {
    if (std::next(headers.first) != headers.second) {
      return unauthenticated(kReasonMalformedAuthorization,
                             "more than one authorization header; send one: \"Bearer <token>\"");
    }
    absl::string_view value(headers.first->second.data(), headers.first->second.size());
    if (value.size() <= kBearer.size() ||
        !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
      return unauthenticated(kReasonMalformedAuthorization,
                             "the authorization header must be \"Bearer <token>\"");
    }
    const absl::string_view token = absl::StripAsciiWhitespace(value.substr(kBearer.size()));
    if (config == nullptr || token.empty()) {
      return unauthenticated(kReasonUnknownToken,
                             "this service accepts no bearer tokens here (no --auth_tokens_file); "
                             "authenticate with a client certificate");
    }
    const TokenDigest digest = DigestToken(token);
    // Compares with every entry in constant time: neither the time nor the order of the
    // comparisons tells how close a guess came.
    const TokenEntry* match = nullptr;
    for (const TokenEntry& entry : config->tokens) {
      if (CRYPTO_memcmp(digest.data(), entry.sha256.data(), digest.size()) == 0) match = &entry;
    }
    if (match == nullptr) {
      return unauthenticated(kReasonUnknownToken,
                             "the bearer token is not one this service knows (revoked, mistyped, "
                             "or meant for another service)");
    }
    if (absl::Now() >= match->expires) {
      return unauthenticated(
          kReasonTokenExpired,
          absl::StrCat("the bearer token of \"", match->principal.name, "\" expired at ",
                       absl::FormatTime(absl::RFC3339_sec, match->expires, absl::UTCTimeZone()),
                       "; ask the operator for a new one"));
    }
    return std::shared_ptr<const Principal>(config, &match->principal);
  }

  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (client_certificates_verified_ && auth != nullptr && auth->IsPeerAuthenticated()) {
    const std::vector<std::string> common_names = PropertyValues(*auth, GRPC_X509_CN_PROPERTY_NAME);
    const std::vector<std::string> sans = PropertyValues(*auth, GRPC_X509_SAN_PROPERTY_NAME);
    const std::string subject =
        absl::StrCat("CN=", absl::StrJoin(common_names, ","), " SAN=", absl::StrJoin(sans, ","));
    if (config == nullptr) {
      // No access file: the client CA alone decides, and every certificate it signed is admin.
      auto principal = std::make_shared<Principal>();
      principal->name = absl::StrCat("certificate ", subject);
      principal->role = Role::kAdmin;
      return principal;
    }
    for (const CertificateEntry& entry : config->certificates) {
      const std::vector<std::string>& candidates =
          entry.match == CertificateEntry::Match::kCommonName ? common_names : sans;
      for (const std::string& candidate : candidates) {
        if (candidate == entry.value) {
          return std::shared_ptr<const Principal>(config, &entry.principal);
        }
      }
    }
    return unauthenticated(kReasonUnknownCertificate,
                           absl::StrCat("the client certificate (", subject,
                                        ") is not listed in the service's access file"));
  }
  return unauthenticated(kReasonMissingCredentials,
                         "this service requires authentication: send the metadata "
                         "\"authorization: Bearer <token>\" (pluton-storage: "
                         "$PLUTON_STORAGE_TOKEN or --token-file) or a client certificate");
}

absl::Status CallAccess::CheckStorage(const std::string& ref) const {
  if (unrestricted()) return absl::OkStatus();
  return StorageShareKey(ref).status();
}

absl::StatusOr<std::string> CallAccess::StorageShareKey(const std::string& ref) const {
  absl::StatusOr<StorageIdentity> storage = (*lookup_)(ref);
  if (storage.ok()) {
    RETURN_IF_ERROR(CheckGranted(ref, storage->id, storage->name));
    return storage->id;
  }
  if (!absl::IsNotFound(storage.status())) return storage.status();  // e.g. an empty ref
  RETURN_IF_ERROR(CheckGranted(ref, ref, ref));
  return ref;
}

absl::Status CallAccess::CheckGranted(const std::string& ref, absl::string_view id,
                                      absl::string_view name) const {
  if (unrestricted() || StorageGranted(principal_->storages, id, name)) return absl::OkStatus();
  return Refuse(absl::StatusCode::kPermissionDenied, kReasonStorageNotGranted,
                absl::StrCat(Describe(*principal_), " is not granted storage \"", ref,
                             "\"; an admin grants storages in the access file"),
                rpc_, Describe(*principal_), peer_);
}

std::string CallAccess::caller_identity() const {
  if (principal_ != nullptr) return principal_->name;
  // "ipv4:127.0.0.1:5000", "ipv6:[::1]:5000": the address without its port.
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (absl::StartsWith(peer_, scheme)) {
      const absl::string_view address = absl::string_view(peer_).substr(scheme.size());
      return std::string(address.substr(0, address.rfind(':')));
    }
  }
  return peer_;
}

bool CallAccess::Sees(absl::string_view id, absl::string_view name) const {
  return unrestricted() || StorageGranted(principal_->storages, id, name);
}

}  // namespace pluton::storage
