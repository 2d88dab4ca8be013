// Certificates for the portal emulator (see self_signed.hpp).
#include "self_signed.hpp"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>

#include "pktmap/error.hpp"

namespace pktmap::capport::detail {

KeyAndCert::~KeyAndCert() {
  X509_free(cert);
  EVP_PKEY_free(key);
}

void make_self_signed(const std::string& hostname, const std::string& ip, KeyAndCert& out) {
  out.key = EVP_EC_gen("P-256");
  out.cert = X509_new();
  if (!out.key || !out.cert) throw SetupError("OpenSSL: cannot create a key or certificate");
  X509* c = out.cert;
  X509_set_version(c, 2);
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c), -60);
  X509_gmtime_adj(X509_getm_notAfter(c), 24 * 3600);
  X509_set_pubkey(c, out.key);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(hostname.c_str()), -1, -1, 0);
  X509_set_issuer_name(c, name);
  std::string san = "DNS:" + hostname;
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1)
    san += ",IP:" + ip;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, c, c, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  if (!ext) throw SetupError("OpenSSL: bad subjectAltName " + san);
  X509_add_ext(c, ext, -1);
  X509_EXTENSION_free(ext);
  if (X509_sign(c, out.key, EVP_sha256()) == 0) throw SetupError("OpenSSL: cannot sign the certificate");
}

void load_pem(const std::string& cert_file, const std::string& key_file, KeyAndCert& out) {
  std::FILE* f = std::fopen(cert_file.c_str(), "r");
  if (!f) throw SetupError(cert_file + ": cannot read");
  out.cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!out.cert) throw SetupError(cert_file + ": not a PEM certificate");
  f = std::fopen(key_file.c_str(), "r");
  if (!f) throw SetupError(key_file + ": cannot read");
  out.key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!out.key) throw SetupError(key_file + ": not a PEM private key (or encrypted)");
  if (X509_check_private_key(out.cert, out.key) != 1)
    throw SetupError(key_file + ": does not match the certificate in " + cert_file);
}

void write_cert_pem(const X509* cert, const std::string& path) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) throw SetupError(path + ": cannot write");
  bool ok = PEM_write_X509(f, cert) == 1;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw SetupError(path + ": cannot write");
  std::filesystem::rename(tmp, path);
}

}  // namespace pktmap::capport::detail
