#include "client/channel_security.h"

#include <utility>
#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace pluton::storage::client {
namespace {

namespace exp = ::grpc::experimental;

// Adds the authorization header to each call's initial metadata.
class BearerTokenInterceptor final : public exp::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string* header) : header_(header) {}

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            exp::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* const header_;  // owned by the factory, which the channel keeps
};

class BearerTokenInterceptorFactory final : public exp::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(const std::string& token) : header_("Bearer " + token) {}

  exp::Interceptor* CreateClientInterceptor(exp::ClientRpcInfo* /*info*/) override {
    return new BearerTokenInterceptor(&header_);
  }

 private:
  const std::string header_;
};

}  // namespace

std::shared_ptr<grpc::ChannelCredentials> TlsChannelCredentials(const TlsPems& pems) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pems.ca_pem;
  options.pem_cert_chain = pems.cert_pem;
  options.pem_private_key = pems.key_pem;
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> CreateStorageChannel(
    const std::string& target, std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& bearer_token) {
  if (!credentials) credentials = grpc::InsecureChannelCredentials();
  if (bearer_token.empty()) return grpc::CreateChannel(target, credentials);
  std::vector<std::unique_ptr<exp::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<BearerTokenInterceptorFactory>(bearer_token));
  return exp::CreateCustomChannelWithInterceptors(target, credentials, grpc::ChannelArguments(),
                                                  std::move(interceptors));
}

}  // namespace pluton::storage::client
