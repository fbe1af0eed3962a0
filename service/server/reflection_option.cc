#include "server/reflection_option.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "grpcpp/ext/proto_server_reflection_plugin.h"

namespace pluton::storage {
namespace {

class ReflectionBuilderOption : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionBuilderOption(bool enabled) : enabled_(enabled) {}

  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}

  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    auto own = std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>();
    const std::string name = own->name();
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [&name](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                                    return p->name() == name;
                                  }),
                   plugins->end());
    if (enabled_) plugins->push_back(std::move(own));
  }

 private:
  const bool enabled_;
};

}  // namespace

std::unique_ptr<grpc::ServerBuilderOption> ReflectionOption(bool enabled) {
  return std::make_unique<ReflectionBuilderOption>(enabled);
}

}  // namespace pluton::storage
