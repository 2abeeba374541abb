#include "server/parse_error_interceptor.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace shopml::server {
namespace {

using ::grpc::experimental::InterceptionHookPoints;
using ::grpc::experimental::InterceptorBatchMethods;

class ParseErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(const std::string* request_type)
      : request_type_(request_type) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("request: cannot be parsed as ", *request_type_)));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string* const request_type_;
};

}  // namespace

grpc::experimental::Interceptor*
ParseErrorInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  auto it = request_types_.find(info->method());
  // gRPC treats a null interceptor as none for this call.
  if (it == request_types_.end()) return nullptr;
  return new ParseErrorInterceptor(&it->second);
}

absl::flat_hash_map<std::string, std::string> RequestTypesOf(
    const std::vector<std::string>& service_names) {
  absl::flat_hash_map<std::string, std::string> types;
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : service_names) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      types[absl::StrCat("/", name, "/", method->name())] =
          method->input_type()->full_name();
    }
  }
  return types;
}

}  // namespace shopml::server
