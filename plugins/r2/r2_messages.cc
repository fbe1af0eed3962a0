#include "r2_messages.h"

#include <string>

#include "pluton/s3provider/messages.h"

namespace pluton::r2_provider {
namespace {

using s3provider::Failure;
using s3provider::FailureContext;
using s3provider::FailureKind;
using s3provider::Operation;

constexpr char kAccountHint[] =
    "your Account ID (not a Zone ID), the 32-character hex string in the R2 dashboard URL "
    "(https://dash.cloudflare.com/<account id>/r2) and on the R2 overview page";

constexpr char kService[] = "R2";

std::string Bucket(const FailureContext& c) { return s3provider::BucketOf(c); }
std::string Doing(const FailureContext& c) { return s3provider::Doing(c, kService); }

// The jurisdiction the derived endpoint points at.
std::string JurisdictionOf(const FailureContext& c) {
  const std::string& url = c.config->endpoint.base_url;
  if (url.find(".eu.r2.cloudflarestorage.com") != std::string::npos) return "eu";
  if (url.find(".fedramp.r2.cloudflarestorage.com") != std::string::npos) return "fedramp";
  return "default";
}

std::string AccessDenied(const FailureContext& c) {
  switch (c.operation) {
    case Operation::kListBuckets:
      return "this token may not list buckets: Object Read & Write (and Object Read) tokens are "
             "limited to their buckets and cannot call ListBuckets. Give a bucket to test the "
             "token on it, or use an Admin Read & Write token";
    case Operation::kListObjects:
      return "the token may not read " + Bucket(c) +
             ": it lacks Object Read & Write, or it is restricted to other buckets. In R2 > "
             "Manage R2 API Tokens, give it Object Read & Write on this bucket (or create a "
             "token that has it). If the token is right, check that the Account ID (not a Zone "
             "ID) is the token's account";
    case Operation::kWriteProbe:
      return "the token can read " + Bucket(c) +
             " but may not write to it: it is probably an Object Read token. Give it Object "
             "Read & Write on this bucket in R2 > Manage R2 API Tokens";
    case Operation::kDeleteProbe:
      return "the token may write to " + Bucket(c) +
             " but not delete from it; give it Object Read & Write on this bucket";
    case Operation::kUpload:
      return "the token may not write to " + Bucket(c) +
             ": it lacks Object Read & Write, or it is restricted to other buckets. Fix its "
             "permissions in R2 > Manage R2 API Tokens";
    case Operation::kDownload:
    case Operation::kStat:
      return "the token may not read objects in " + Bucket(c) +
             ": it needs Object Read (or Object Read & Write) on this bucket, and may be "
             "restricted to other buckets. Fix its permissions in R2 > Manage R2 API Tokens";
    case Operation::kList:
      return "the token may not list " + Bucket(c) +
             ": it needs Object Read (or Object Read & Write) on this bucket, and may be "
             "restricted to other buckets. Fix its permissions in R2 > Manage R2 API Tokens";
    case Operation::kDelete:
      return "the token may not delete from " + Bucket(c) +
             ": deleting needs Object Read & Write on this bucket (an Object Read token "
             "cannot). Fix its permissions in R2 > Manage R2 API Tokens";
    case Operation::kListUploads:
      return "the token may not list the incomplete uploads of " + Bucket(c) +
             ": it needs Object Read (or Object Read & Write) on this bucket. Fix its "
             "permissions in R2 > Manage R2 API Tokens";
    case Operation::kAbortUpload:
      return "the token may not abort uploads in " + Bucket(c) +
             ": aborting needs Object Read & Write on this bucket. Fix its permissions in R2 > "
             "Manage R2 API Tokens";
    case Operation::kGetLifecycle:
      return "the token may not read the lifecycle rules of " + Bucket(c) +
             ": bucket settings need an Admin token (Admin Read only or Admin Read & Write); "
             "Object Read and Object Read & Write tokens cannot read them. Create an Admin token "
             "in R2 > Manage R2 API Tokens";
    case Operation::kSetLifecycle:
      return "the token may not set the lifecycle rules of " + Bucket(c) +
             ": that needs an Admin Read & Write token; Object tokens and Admin Read only "
             "tokens cannot. Create one in R2 > Manage R2 API Tokens";
  }
  return "access denied";
}

std::string Message(const Failure& f, const FailureContext& c) {
  const std::string url = c.config->endpoint.base_url;
  const bool overridden = c.config->endpoint_overridden;
  switch (f.kind) {
    case FailureKind::kEndpointNotFound:
      if (overridden) {
        return "the endpoint override " + url +
               " does not resolve (DNS): check its host name, or leave endpoint empty for "
               "Cloudflare R2";
      }
      return "the R2 endpoint " + url +
             " does not resolve (DNS), so the Account ID is wrong: enter " + kAccountHint +
             ". If it is right, check that this machine can resolve names and reach the internet";
    case FailureKind::kEndpointUnreachable:
      if (overridden) {
        return "cannot connect to the endpoint override " + url +
               ": is the server running and listening there? Leave endpoint empty for "
               "Cloudflare R2";
      }
      return "cannot connect to " + url +
             ": check this machine's network connection, firewall and proxy settings (it must "
             "reach *.r2.cloudflarestorage.com on port 443). The endpoint is derived from the "
             "Account ID: it must be " +
             std::string(kAccountHint);
    case FailureKind::kTlsError:
      return "the secure connection to " + url +
             " failed (TLS handshake or certificate check): check the system's CA certificates "
             "and clock, and whether a proxy or security software intercepts HTTPS";
    case FailureKind::kTimeout:
      return s3provider::TimeoutMessage(c, kService, "check the network, firewall and proxy");
    case FailureKind::kAccessDenied:
      return AccessDenied(c);
    case FailureKind::kSignatureMismatch:
      return "R2 refused the request signature: the Secret Access Key is wrong (the Access Key "
             "ID was recognised). The secret is shown only once, when the token is created: if "
             "you no longer have it, create a new API token and enter its Access Key ID and "
             "Secret Access Key";
    case FailureKind::kInvalidAccessKeyId:
      if (f.s3_code == "InvalidArgument") {
        return "R2 refused the Access Key ID's length: R2 Access Key IDs have 32 characters. "
               "Copy it again from the R2 API token (or create a new token)";
      }
      return "R2 does not know this Access Key ID: it is mistyped, or its API token was deleted "
             "or belongs to another account. Copy the Access Key ID of an existing R2 API token "
             "(or create a new token). Also check the Account ID: it must be " +
             std::string(kAccountHint);
    case FailureKind::kUnauthorized:
      return "R2 did not accept the credentials (401 Unauthorized): check the Access Key ID and "
             "Secret Access Key of the R2 API token, and the Account ID: it must be " +
             std::string(kAccountHint);
    case FailureKind::kNoSuchBucket:
      if (overridden) {
        return Bucket(c) + " does not exist at the endpoint override " + url +
               ": check the bucket name (and the server's jurisdiction: a bucket created in "
               "the EU jurisdiction is only reachable with jurisdiction=eu)";
      }
      return Bucket(c) + " does not exist in this account's " + JurisdictionOf(c) +
             " jurisdiction: check the bucket name, the Account ID (not a Zone ID), and the "
             "jurisdiction: a bucket created in the EU jurisdiction is only reachable with "
             "jurisdiction=eu (a FedRAMP bucket with jurisdiction=fedramp)";
    case FailureKind::kNotEntitled:
      return "R2 is not enabled on this Cloudflare account: enable R2 in the Cloudflare "
             "dashboard (R2 > Overview) first. If it is enabled, check the Account ID: it must "
             "be " +
             std::string(kAccountHint);
    case FailureKind::kWrongRegion:
      return "the endpoint refused the request's region (R2 uses \"auto\") while " + Doing(c) +
             ": check that " + url + " is Cloudflare R2";
    case FailureKind::kNoSuchUpload:
      return "R2 no longer knows this multipart upload (it was aborted, or expired under the "
             "bucket's lifecycle rule): upload again";
    case FailureKind::kServiceUnavailable:
      return "R2 kept answering with errors (busy or failing) while " + Doing(c) +
             ", even after retries: try again later and check https://www.cloudflarestatus.com";
    case FailureKind::kUnexpectedResponse:
      return "the answer from " + url + " while " + Doing(c) +
             " could not be understood: check that the endpoint is " +
             (overridden ? "an S3-compatible server" : "Cloudflare R2");
    default:
      break;
  }
  return s3provider::CommonMessage(f, c, kService);
}

std::string Reason(const Failure& f, const FailureContext& c) {
  switch (f.kind) {
    case FailureKind::kEndpointNotFound:
      return c.config->endpoint_overridden ? "ENDPOINT_NOT_FOUND" : "INVALID_ACCOUNT_ID";
    case FailureKind::kNotEntitled:
      return "R2_NOT_ENABLED";
    default:
      return s3provider::DefaultReason(f);
  }
}

}  // namespace

s3provider::Explanation Explain(const Failure& failure, const FailureContext& context) {
  return s3provider::Explanation{Reason(failure, context), Message(failure, context)};
}

}  // namespace pluton::r2_provider
