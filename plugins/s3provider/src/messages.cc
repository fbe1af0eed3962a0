#include "pluton/s3provider/messages.h"

namespace pluton::s3provider {

bool IsHousekeeping(Operation operation) {
  switch (operation) {
    case Operation::kList:
    case Operation::kDelete:
    case Operation::kListUploads:
    case Operation::kAbortUpload:
    case Operation::kGetLifecycle:
    case Operation::kSetLifecycle:
      return true;
    default:
      return false;
  }
}

std::string BucketOf(const FailureContext& context) { return "bucket \"" + context.bucket + "\""; }

std::string Doing(const FailureContext& context, std::string_view service) {
  switch (context.operation) {
    case Operation::kListBuckets:
      return "listing buckets";
    case Operation::kListObjects:
      return "reading " + BucketOf(context);
    case Operation::kWriteProbe:
      return "writing a test object to " + BucketOf(context);
    case Operation::kDeleteProbe:
      return "deleting the test object from " + BucketOf(context);
    case Operation::kUpload:
      return "uploading to " + BucketOf(context);
    case Operation::kDownload:
      return "downloading from " + BucketOf(context);
    case Operation::kStat:
      return "reading an object's details in " + BucketOf(context);
    case Operation::kList:
      return "listing " + BucketOf(context);
    case Operation::kDelete:
      return "deleting objects from " + BucketOf(context);
    case Operation::kListUploads:
      return "listing the incomplete uploads of " + BucketOf(context);
    case Operation::kAbortUpload:
      return "aborting an incomplete upload in " + BucketOf(context);
    case Operation::kGetLifecycle:
      return "reading the lifecycle rules of " + BucketOf(context);
    case Operation::kSetLifecycle:
      return "setting the lifecycle rules of " + BucketOf(context);
  }
  return "talking to " + std::string(service);
}

std::string TimeoutMessage(const FailureContext& context, std::string_view service,
                           std::string_view advice) {
  if (context.timeout_ms > 0) {
    return std::string(service) + " did not answer within the test's " +
           std::to_string(context.timeout_ms) + " ms while " + Doing(context, service) + " (" +
           context.config->endpoint.base_url + "): " + std::string(advice) + ", then try again";
  }
  return std::string(service) + " did not answer in time while " + Doing(context, service) +
         ": check the network connection and try again";
}

std::string CommonMessage(const Failure& failure, const FailureContext& context,
                          std::string_view service) {
  const std::string name(service);
  switch (failure.kind) {
    case FailureKind::kCancelled:
      return "cancelled by the service";
    case FailureKind::kClockSkew:
      return name +
             " refused the request because this machine's clock is off by more than 15 "
             "minutes: fix the machine's clock and keep it synchronised with NTP (e.g. "
             "timedatectl set-ntp true), then try again";
    case FailureKind::kNotImplemented:
      if (IsHousekeeping(context.operation)) {
        return name + " does not implement " + Doing(context, service) +
               " (NotImplemented): this storage service lacks the feature";
      }
      return name + " does not implement something used while " + Doing(context, service) +
             ": check the advanced settings (storage class, server-side encryption)";
    case FailureKind::kBadDigest:
      return "the data changed on its way to " + name + " (Content-MD5 mismatch) while " +
             Doing(context, service) + ": retry, and check for a proxy that alters requests";
    case FailureKind::kRejected:
      return name + " refused the request while " + Doing(context, service) +
             (failure.s3_code.empty() ? std::string() : " (" + failure.s3_code + ")");
    case FailureKind::kNoSuchKey:
      return "object \"" + context.key + "\" not found in " + BucketOf(context) +
             ": check the key (keys are case-sensitive and include any \"directory/\" part)";
    case FailureKind::kAddressRefused:
      if (!context.config->endpoint_overridden) {
        return "the endpoint " + context.config->endpoint.base_url + " (" + name +
               "'s own) resolves to a link-local or cloud metadata address on this machine, "
               "which the service refuses to connect to (" +
               failure.detail + "): check this machine's DNS resolver and /etc/hosts";
      }
      return "the endpoint " + context.config->endpoint.base_url +
             " resolves to a link-local or cloud metadata address, which the service refuses to "
             "connect to by name (" +
             failure.detail +
             "): point its host name at the storage server. To reach such an address on "
             "purpose, the service's operator lists the address in --allowed_endpoint and the "
             "endpoint names it literally (http://ADDRESS:PORT)";
    case FailureKind::kObjectChanged:
      return "object \"" + context.key + "\" in " + BucketOf(context) +
             " was replaced while it was being downloaded, so its bytes would not belong to "
             "one version: download it again";
    default:
      break;
  }
  return failure.detail;
}

}  // namespace pluton::s3provider
