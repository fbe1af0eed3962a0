// S3Client::ObjectRequest: one GET or HEAD of an object, opened as a stream by
// S3Client::OpenObject (signed afresh per attempt, with the empty-body payload hash).
// Shared by GetObject / HeadObject (s3_client_get.cc) and ObjectReader's resumes
// (object_reader.cc).
#ifndef PLUTON_PLUGINS_S3CORE_SRC_OBJECT_REQUEST_H_
#define PLUTON_PLUGINS_S3CORE_SRC_OBJECT_REQUEST_H_

#include <cstdint>
#include <string>

#include "pluton/s3/http_headers.h"
#include "pluton/s3/s3_client.h"

namespace pluton::s3 {

struct S3Client::ObjectRequest {
  std::string what;    // for messages: "GetObject bucket/key"
  std::string method;  // "GET" or "HEAD"
  std::string bucket;
  std::string key;
  HeaderList headers;       // Range, If-Match, SSE-C; besides Host and what the signer adds
  bool range_sent = false;  // a Range header is among them

  // GET of [offset, offset + length) (length -1: to the end). No Range header for a whole
  // object from 0. If-Match "<if_match_etag>" unless it is "". SSE-C headers when `sse` is
  // not NULL.
  static ObjectRequest Get(std::string what, const std::string& bucket, const std::string& key,
                           uint64_t offset, int64_t length, const SseCustomerKey* sse,
                           const std::string& if_match_etag);
  // HEAD of the object (SSE-C headers when `sse` is not NULL).
  static ObjectRequest Head(std::string what, const std::string& bucket, const std::string& key,
                            const SseCustomerKey* sse);
};

}  // namespace pluton::s3

#endif  // PLUTON_PLUGINS_S3CORE_SRC_OBJECT_REQUEST_H_
