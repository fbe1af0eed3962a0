// Certificates made in the test with the OpenSSL library, so no private key is ever checked
// in: a CA and the server and client certificates it signs (ECDSA P-256, valid from an hour
// ago for a day), as PEM text.
//
//   TestCa ca("test CA");
//   PemPair server = ca.Issue("localhost", {"DNS:localhost", "IP:127.0.0.1"});
//   PemPair agent = ca.Issue("agent-c.backup", {});
//
// Thread safety: a TestCa is used by one thread.
#ifndef PLUTON_TESTS_COMMON_TEST_CERTIFICATES_H_
#define PLUTON_TESTS_COMMON_TEST_CERTIFICATES_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace pluton::testing {

struct PemPair {
  std::string cert_pem;
  std::string key_pem;
};

class TestCa {
 public:
  explicit TestCa(const std::string& common_name) : key_(NewKey()), cert_(X509_new()) {
    Fill(cert_.get(), common_name, key_.get());
    X509_set_issuer_name(cert_.get(), X509_get_subject_name(cert_.get()));
    AddExtension(cert_.get(), cert_.get(), NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert_.get(), cert_.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    Sign(cert_.get(), key_.get());
  }

  std::string cert_pem() const { return CertPem(cert_.get()); }

  // A leaf certificate with subject CN `common_name` and the given subjectAltNames in
  // OpenSSL's syntax ("DNS:localhost", "IP:127.0.0.1", "URI:spiffe://x"), signed by this CA,
  // usable by a server and by a client.
  PemPair Issue(const std::string& common_name, const std::vector<std::string>& sans) const {
    KeyPtr key = NewKey();
    CertPtr cert(X509_new());
    Fill(cert.get(), common_name, key.get());
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get()));
    AddExtension(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert.get(), cert_.get(), NID_ext_key_usage, "serverAuth,clientAuth");
    if (!sans.empty()) {
      std::string list;
      for (const std::string& san : sans) list += (list.empty() ? "" : ",") + san;
      AddExtension(cert.get(), cert_.get(), NID_subject_alt_name, list);
    }
    Sign(cert.get(), key_.get());
    return {CertPem(cert.get()), KeyPem(key.get())};
  }

 private:
  struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  struct CertFree {
    void operator()(X509* cert) const { X509_free(cert); }
  };
  using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
  using CertPtr = std::unique_ptr<X509, CertFree>;

  static void Check(bool ok) {
    if (!ok) std::abort();  // a test fixture that cannot make certificates cannot test
  }
  static KeyPtr NewKey() {
    KeyPtr key(EVP_EC_gen("P-256"));
    Check(key != nullptr);
    return key;
  }
  static void Fill(X509* cert, const std::string& common_name, EVP_PKEY* key) {
    static long serial = 1;
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial + std::rand() % 100000);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    Check(X509_set_pubkey(cert, key) == 1);
  }
  static void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    Check(ext != nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  static void Sign(X509* cert, EVP_PKEY* key) { Check(X509_sign(cert, key, EVP_sha256()) > 0); }
  template <class Write>
  static std::string ToPem(Write write) {
    BIO* bio = BIO_new(BIO_s_mem());
    Check(write(bio) == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(size));
    BIO_free(bio);
    return pem;
  }
  static std::string CertPem(X509* cert) {
    return ToPem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
  }
  static std::string KeyPem(EVP_PKEY* key) {
    return ToPem([key](BIO* bio) {
      return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
  }

  KeyPtr key_;
  CertPtr cert_;
};

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_COMMON_TEST_CERTIFICATES_H_
