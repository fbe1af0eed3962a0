// The gRPC port's transport security: plaintext, TLS from PEM files, or mTLS.
//
// TLS uses gRPC's own FileWatcherCertificateProvider, which re-reads the certificate, the key
// and the client CA every `reload_interval`, so a certificate cert-manager rotated on disk is
// served to the next connection without a restart (connections already open keep theirs).
// The files are checked once here first, so a wrong path or a key that does not belong to the
// certificate stops the start with a message naming the flag instead of failing every
// handshake later.
//
// Thread safety: free functions, no shared state.
#ifndef PLUTON_SERVICE_AUTH_TLS_CREDENTIALS_H_
#define PLUTON_SERVICE_AUTH_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"

namespace pluton::storage {

struct TlsFiles {
  std::string cert_file;       // --tls_cert_file: PEM certificate chain, the leaf first
  std::string key_file;        // --tls_key_file: PEM private key of the leaf
  std::string client_ca_file;  // --tls_client_ca_file: PEM CA bundle; "" = no client certs
  absl::Duration reload_interval = absl::Seconds(60);  // at least 1 s
};

// Insecure credentials when no file is set; TLS with cert_file and key_file; with
// client_ca_file as well, mTLS: every client must present a certificate that CA signed, or the
// handshake fails. FAILED_PRECONDITION naming the flag when a file is missing, unreadable, not
// PEM, the key does not match the certificate, or only one of cert and key is set.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_AUTH_TLS_CREDENTIALS_H_
