#pragma once
// Transport security between the services and towards the gateway, from PEM files. One
// certificate per service serves its port and, between services, identifies it as a client
// (mutual TLS). Without files everything stays plaintext h2c, as on one machine behind the local
// gateway; in a cluster the mesh or these files provide TLS.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace wse {

struct TlsConfig {
  std::string cert_pem;  // This service's certificate chain; empty = plaintext.
  std::string key_pem;   // Its private key.
  std::string ca_pem;    // CA that signs peers: servers we call, and clients when required.
  bool require_client_cert = false;  // Refuse clients without a certificate signed by the CA.

  bool enabled() const { return !cert_pem.empty(); }
};

// Reads the PEM files. INVALID_ARGUMENT (naming the flag) when they do not fit together: a
// certificate without key or the reverse, client certificates required without a CA, a file
// that is not PEM.
absl::StatusOr<TlsConfig> LoadTlsConfig(const std::string& cert_file, const std::string& key_file,
                                        const std::string& ca_file, bool require_client_cert);

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const TlsConfig& tls);

// For calls to other services: TLS verified against the CA (presenting our certificate, so the
// callee can require it) when a CA is configured, plaintext otherwise.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const TlsConfig& tls);

}  // namespace wse
