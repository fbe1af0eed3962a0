#include "pluton/s3/s3_error.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace pluton::s3 {
namespace {

HttpResponse Response(int status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string ErrorXml(const std::string& code, const std::string& message = "m") {
  return "<Error><Code>" + code + "</Code><Message>" + message +
         "</Message><RequestId>REQ1</RequestId></Error>";
}

TEST(S3ErrorTest, FromResponseReadsBodyAndHeaders) {
  S3Error e = S3ErrorFromResponse(Response(403, ErrorXml("InvalidAccessKeyId", "bad key")));
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.code, "InvalidAccessKeyId");
  EXPECT_EQ(e.message, "bad key");
  EXPECT_EQ(e.request_id, "REQ1");

  // HEAD: no body; the request id comes from the header.
  S3Error head = S3ErrorFromResponse(Response(404, "", {{"x-amz-request-id", "HDR9"}}));
  EXPECT_EQ(head.http_status, 404);
  EXPECT_TRUE(head.code.empty());
  EXPECT_EQ(head.request_id, "HDR9");

  // A proxy's HTML page.
  S3Error html = S3ErrorFromResponse(Response(502, "<html><body>Bad Gateway</body></html>"));
  EXPECT_EQ(html.http_status, 502);
  EXPECT_TRUE(html.code.empty());

  S3Error r2 = S3ErrorFromResponse(
      Response(429, ErrorXml("SlowDown", "Reduce your concurrent request rate. (10058)")));
  EXPECT_EQ(r2.r2_code, 10058);
}

TEST(S3ErrorTest, RetryableStatusesAndCodes) {
  for (int status : {429, 500, 502, 503, 504}) {
    EXPECT_TRUE(IsRetryable(S3Error{status, "", "", "", std::nullopt})) << status;
  }
  for (const char* code : {"RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable"}) {
    EXPECT_TRUE(IsRetryable(S3Error{400, code, "", "", std::nullopt})) << code;
  }
  // An InternalError inside a 200 CompleteMultipartUpload.
  EXPECT_TRUE(IsRetryable(S3Error{200, "InternalError", "", "", std::nullopt}));

  for (int status : {400, 401, 403, 404, 409, 412, 501}) {
    EXPECT_FALSE(IsRetryable(S3Error{status, "", "", "", std::nullopt})) << status;
  }
  for (const char* code : {"SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied",
                           "NoSuchBucket", "NoSuchUpload", "InvalidPart", "EntityTooSmall",
                           "BadDigest", "RequestTimeTooSkewed", "NotImplemented"}) {
    EXPECT_FALSE(IsRetryable(S3Error{400, code, "", "", std::nullopt})) << code;
  }
}

TEST(S3ErrorTest, RetryableTransportErrors) {
  EXPECT_TRUE(IsRetryableTransportError(TransportError(TransportErrorKind::kTimeout, "t")));
  EXPECT_TRUE(IsRetryableTransportError(TransportError(TransportErrorKind::kConnectionReset, "r")));
  EXPECT_TRUE(IsRetryableTransportError(TransportError(TransportErrorKind::kConnectFailed, "c")));
  EXPECT_FALSE(IsRetryableTransportError(TransportError(TransportErrorKind::kDnsFailure, "d")));
  EXPECT_FALSE(IsRetryableTransportError(TransportError(TransportErrorKind::kTlsFailure, "t")));
  EXPECT_FALSE(IsRetryableTransportError(TransportError(TransportErrorKind::kCancelled, "c")));
  EXPECT_FALSE(IsRetryableTransportError(TransportError(TransportErrorKind::kAddressRefused, "a")));
  EXPECT_FALSE(IsRetryableTransportError(TransportError(TransportErrorKind::kOther, "o")));
  EXPECT_FALSE(IsRetryableTransportError(absl::UnavailableError("not a transport error")));
  EXPECT_FALSE(IsRetryableTransportError(absl::OkStatus()));
}

TEST(S3ErrorTest, TransportErrorPayloadRoundTrips) {
  for (TransportErrorKind kind :
       {TransportErrorKind::kDnsFailure, TransportErrorKind::kConnectFailed,
        TransportErrorKind::kTlsFailure, TransportErrorKind::kTimeout,
        TransportErrorKind::kConnectionReset, TransportErrorKind::kCancelled,
        TransportErrorKind::kAddressRefused, TransportErrorKind::kOther}) {
    absl::Status s = TransportError(kind, "msg");
    EXPECT_EQ(GetTransportErrorKind(s), kind) << TransportErrorKindName(kind);
    EXPECT_EQ(s.message(), "msg");
  }
  EXPECT_EQ(TransportError(TransportErrorKind::kTimeout, "").code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(TransportError(TransportErrorKind::kCancelled, "").code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(TransportError(TransportErrorKind::kDnsFailure, "").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(TransportError(TransportErrorKind::kAddressRefused, "").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(TransportErrorKindName(TransportErrorKind::kAddressRefused), "ADDRESS_REFUSED");
  EXPECT_FALSE(GetTransportErrorKind(absl::InternalError("x")).has_value());
}

TEST(S3ErrorTest, ToStatusMapsCodesAndMessage) {
  auto code_of = [](int status, const char* s3_code) {
    return S3ErrorToStatus(S3Error{status, s3_code, "", "", std::nullopt}, "op").code();
  };
  EXPECT_EQ(code_of(400, "InvalidPart"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code_of(401, "Unauthorized"), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code_of(403, "SignatureDoesNotMatch"), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(code_of(403, "RequestTimeTooSkewed"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code_of(404, "NoSuchBucket"), absl::StatusCode::kNotFound);
  EXPECT_EQ(code_of(429, "SlowDown"), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(code_of(501, "NotImplemented"), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(code_of(503, "SlowDown"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code_of(200, "InternalError"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code_of(200, "AccessDenied"), absl::StatusCode::kUnknown);

  absl::Status s = S3ErrorToStatus(
      S3Error{403, "AccessDenied", "Access Denied", "REQ1", std::nullopt}, "uploading part 3");
  EXPECT_EQ(s.message(), "uploading part 3: S3 403 AccessDenied: Access Denied (request id REQ1)");
}

}  // namespace
}  // namespace pluton::s3
