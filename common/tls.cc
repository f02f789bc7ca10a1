#include "common/tls.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "common/config.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  if (path.empty()) return std::string();
  const std::string pem = ReadSecretFile(flag, path);
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return InvalidArgument({{flag, "is not a PEM file: " + path}});
  }
  return pem;
}

// The first certificate's notAfter in `pem`, as Unix seconds; nothing when it cannot be read.
std::optional<int64_t> NotAfter(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (bio == nullptr) return std::nullopt;
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

absl::StatusOr<TlsConfig> LoadTlsConfig(const std::string& cert_file, const std::string& key_file,
                                        const std::string& ca_file, bool require_client_cert) {
  if (cert_file.empty() != key_file.empty()) {
    return InvalidArgument({{"--tls_cert_file", "and --tls_key_file go together"}});
  }
  if (require_client_cert && (ca_file.empty() || cert_file.empty())) {
    return InvalidArgument(
        {{"--tls_require_client_cert", "needs --tls_cert_file, --tls_key_file and --tls_ca_file"}});
  }
  TlsConfig tls;
  tls.require_client_cert = require_client_cert;
  ASSIGN_OR_RETURN(auto cert, ReadPem("--tls_cert_file", cert_file));
  ASSIGN_OR_RETURN(auto key, ReadPem("--tls_key_file", key_file));
  ASSIGN_OR_RETURN(auto ca, ReadPem("--tls_ca_file", ca_file));
  tls.cert_pem = std::move(cert);
  tls.key_pem = std::move(key);
  tls.ca_pem = std::move(ca);
  // For the expiry alert (deploy/prometheus): certificates are read at start, so a renewed
  // file needs a restart, and the metric says which one is served.
  for (const auto& [which, pem] :
       {std::pair<const char*, const std::string*>{"service", &tls.cert_pem},
        {"ca", &tls.ca_pem}}) {
    if (std::optional<int64_t> not_after = NotAfter(*pem)) {
      GaugeOf("wse_tls_certificate_expiry_timestamp_seconds",
              "When the TLS certificate this process serves with (service) or trusts (ca) expires.",
              {{"certificate", which}})
          .Set(static_cast<double>(*not_after));
    }
  }
  return tls;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const TlsConfig& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      tls.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                              : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_root_certs = tls.ca_pem;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  pair.private_key = tls.key_pem;
  pair.cert_chain = tls.cert_pem;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const TlsConfig& tls) {
  if (tls.ca_pem.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca_pem;
  options.pem_private_key = tls.key_pem;
  options.pem_cert_chain = tls.cert_pem;
  return grpc::SslCredentials(options);
}

}  // namespace wse
