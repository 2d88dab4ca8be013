#pragma once
// Internal: a throw-away self-signed certificate (P-256, SHA-256, one day) for the portal emulator.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

namespace pktmap::capport::detail {

struct KeyAndCert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  KeyAndCert() = default;
  KeyAndCert(const KeyAndCert&) = delete;
  KeyAndCert& operator=(const KeyAndCert&) = delete;
  ~KeyAndCert();
};

// Subject CN and subjectAltName DNS = hostname (plus IP = ip when it is a literal). Throws SetupError.
void make_self_signed(const std::string& hostname, const std::string& ip, KeyAndCert& out);
// Loads PEM files. Throws SetupError naming the file.
void load_pem(const std::string& cert_file, const std::string& key_file, KeyAndCert& out);
// Writes the certificate as PEM (atomically). Throws SetupError.
void write_cert_pem(const X509* cert, const std::string& path);

}  // namespace pktmap::capport::detail
