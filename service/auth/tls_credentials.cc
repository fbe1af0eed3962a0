#include "auth/tls_credentials.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace pluton::storage {
namespace {

constexpr char kCertFlag[] = "--tls_cert_file";
constexpr char kKeyFlag[] = "--tls_key_file";
constexpr char kClientCaFlag[] = "--tls_client_ca_file";

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using File = std::unique_ptr<FILE, FileCloser>;
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyFree>;

absl::Status Unusable(absl::string_view flag, const std::string& path, absl::string_view why) {
  ERR_clear_error();  // OpenSSL's queue holds the parse errors; the message says what matters
  return absl::FailedPreconditionError(absl::StrCat(flag, " ", path, ": ", why));
}

absl::StatusOr<File> OpenPem(absl::string_view flag, const std::string& path) {
  File file(std::fopen(path.c_str(), "r"));
  if (!file) return Unusable(flag, path, "cannot be read; mount the PEM file there");
  return file;
}

// The first certificate of a PEM file (the leaf of a chain, or a CA bundle's first).
absl::StatusOr<Certificate> ReadFirstCertificate(absl::string_view flag, const std::string& path) {
  ASSIGN_OR_RETURN(File file, OpenPem(flag, path));
  Certificate certificate(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
  if (!certificate) return Unusable(flag, path, "holds no PEM certificate");
  return certificate;
}

absl::StatusOr<PrivateKey> ReadPrivateKey(const std::string& path) {
  ASSIGN_OR_RETURN(File file, OpenPem(kKeyFlag, path));
  PrivateKey key(PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
  if (!key) return Unusable(kKeyFlag, path, "holds no unencrypted PEM private key");
  return key;
}

absl::Status CheckFiles(const TlsFiles& files) {
  ASSIGN_OR_RETURN(Certificate certificate, ReadFirstCertificate(kCertFlag, files.cert_file));
  ASSIGN_OR_RETURN(PrivateKey key, ReadPrivateKey(files.key_file));
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return Unusable(kKeyFlag, files.key_file,
                    absl::StrCat("is not the key of the certificate in ", kCertFlag, " ",
                                 files.cert_file, "; give the matching pair"));
  }
  if (!files.client_ca_file.empty()) {
    RETURN_IF_ERROR(ReadFirstCertificate(kClientCaFlag, files.client_ca_file).status());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files) {
  if (files.cert_file.empty() && files.key_file.empty()) {
    if (!files.client_ca_file.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(kClientCaFlag, " needs TLS: give ", kCertFlag, " and ", kKeyFlag, " too"));
    }
    return grpc::InsecureServerCredentials();
  }
  if (files.cert_file.empty() || files.key_file.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("TLS needs both ", kCertFlag, " and ", kKeyFlag, "; only ",
                     files.cert_file.empty() ? kKeyFlag : kCertFlag, " is set"));
  }
  RETURN_IF_ERROR(CheckFiles(files));
  const auto seconds =
      static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(files.reload_interval)));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key_file, files.cert_file, files.client_ca_file, seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (files.client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace pluton::storage
