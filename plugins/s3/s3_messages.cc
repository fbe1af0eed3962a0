#include "s3_messages.h"

#include <string>

#include "pluton/s3provider/messages.h"

namespace pluton::s3_provider {
namespace {

using s3provider::Failure;
using s3provider::FailureContext;
using s3provider::FailureKind;
using s3provider::Operation;

constexpr char kService[] = "the S3 service";

std::string Bucket(const FailureContext& c) { return s3provider::BucketOf(c); }
std::string Doing(const FailureContext& c) { return s3provider::Doing(c, kService); }

std::string AccessDenied(const FailureContext& c) {
  switch (c.operation) {
    case Operation::kListBuckets:
      return "this access key may not list buckets (s3:ListAllMyBuckets); keys limited to "
             "some buckets cannot. Give a bucket to test the key on it, or grant that "
             "permission";
    case Operation::kListObjects:
      return "the access key may not read " + Bucket(c) +
             ": grant it s3:ListBucket on the bucket (IAM or bucket policy) and check that the "
             "bucket belongs to this account";
    case Operation::kWriteProbe:
      return "the access key can read " + Bucket(c) +
             " but may not write to it: grant it s3:PutObject (and, with aws:kms, kms:"
             "GenerateDataKey on the key)";
    case Operation::kDeleteProbe:
      return "the access key may write to " + Bucket(c) +
             " but not delete from it: grant it s3:DeleteObject and s3:AbortMultipartUpload";
    case Operation::kUpload:
      return "the access key may not write to " + Bucket(c) +
             ": grant it s3:PutObject and s3:AbortMultipartUpload on the bucket";
    case Operation::kDownload:
    case Operation::kStat:
      return "the access key may not read objects in " + Bucket(c) +
             ": grant it s3:GetObject on the bucket's objects (and, with aws:kms, kms:Decrypt "
             "on the key)";
    case Operation::kList:
      return "the access key may not list " + Bucket(c) +
             ": grant it s3:ListBucket on the bucket (IAM or bucket policy)";
    case Operation::kDelete:
      return "the access key may not delete from " + Bucket(c) +
             ": grant it s3:DeleteObject on the bucket's objects";
    case Operation::kListUploads:
      return "the access key may not list the incomplete uploads of " + Bucket(c) +
             ": grant it s3:ListBucketMultipartUploads on the bucket";
    case Operation::kAbortUpload:
      return "the access key may not abort uploads in " + Bucket(c) +
             ": grant it s3:AbortMultipartUpload on the bucket's objects";
    case Operation::kGetLifecycle:
      return "the access key may not read the lifecycle rules of " + Bucket(c) +
             ": grant it s3:GetLifecycleConfiguration on the bucket";
    case Operation::kSetLifecycle:
      return "the access key may not set the lifecycle rules of " + Bucket(c) +
             ": grant it s3:GetLifecycleConfiguration and s3:PutLifecycleConfiguration on the "
             "bucket (the current rules are read before they are replaced)";
  }
  return "access denied";
}

std::string Message(const Failure& f, const FailureContext& c) {
  const std::string url = c.config->endpoint.base_url;
  const std::string region = c.config->endpoint.region;
  switch (f.kind) {
    case FailureKind::kEndpointNotFound:
      if (!c.config->endpoint_overridden) {
        return "the AWS S3 endpoint " + url + " does not resolve (DNS): check the region \"" +
               region + "\", and that this machine can resolve names and reach the internet";
      }
      return "the endpoint " + url +
             " does not resolve (DNS): check the endpoint URL's host name, and that this "
             "machine can resolve names";
    case FailureKind::kEndpointUnreachable:
      return "cannot connect to " + url +
             ": check the endpoint URL and port, that the server is running, and this "
             "machine's network, firewall and proxy settings";
    case FailureKind::kTlsError:
      return "the secure connection to " + url +
             " failed (TLS handshake or certificate check): check the server's certificate, "
             "the system's CA certificates and clock; use http:// only for a local test server";
    case FailureKind::kTimeout:
      return s3provider::TimeoutMessage(c, kService,
                                        "check the endpoint, the network, firewall and proxy");
    case FailureKind::kAccessDenied:
      return AccessDenied(c);
    case FailureKind::kSignatureMismatch:
      return "the S3 service refused the request signature: the Secret Access Key is wrong "
             "for this Access Key ID (AWS shows a secret only once: create a new access key if "
             "it is lost)";
    case FailureKind::kInvalidAccessKeyId:
      return "the S3 service does not know this Access Key ID: it is mistyped, deleted or "
             "inactive, or belongs to another service than " +
             url;
    case FailureKind::kUnauthorized:
      return "the S3 service did not accept the credentials (401 Unauthorized): check the "
             "Access Key ID and Secret Access Key";
    case FailureKind::kNoSuchBucket:
      return Bucket(c) + " does not exist at " + url +
             ": check the bucket name, the endpoint and the region";
    case FailureKind::kNotEntitled:
      return "the S3 service says this account may not use it (NotEntitled): check the "
             "account's subscription";
    case FailureKind::kWrongRegion:
      return "the S3 service refused the region \"" + region + "\" while " + Doing(c) +
             ": set region to the bucket's region (the check's detail may name it) and, for "
             "AWS S3, leave endpoint empty or use that region's endpoint";
    case FailureKind::kNoSuchUpload:
      return "the S3 service no longer knows this multipart upload (it was aborted, or expired "
             "under a lifecycle rule): upload again";
    case FailureKind::kServiceUnavailable:
      return "the S3 service kept answering with errors (busy or failing) while " + Doing(c) +
             ", even after retries: try again later";
    case FailureKind::kUnexpectedResponse:
      return "the answer from " + url + " while " + Doing(c) +
             " could not be understood: check that the endpoint URL is the service's S3 API";
    default:
      break;
  }
  return s3provider::CommonMessage(f, c, kService);
}

}  // namespace

s3provider::Explanation Explain(const Failure& failure, const FailureContext& context) {
  return s3provider::Explanation{s3provider::DefaultReason(failure), Message(failure, context)};
}

}  // namespace pluton::s3_provider
