// Reading GetObject / HeadObject responses: the object's details from the headers, and the
// check that a (ranged) GET answered the bytes that were asked for.
//
// Thread safety: pure functions.
#ifndef PLUTON_PLUGINS_S3CORE_SRC_OBJECT_DETAILS_H_
#define PLUTON_PLUGINS_S3CORE_SRC_OBJECT_DETAILS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pluton/s3/http_headers.h"
#include "pluton/s3/http_transport.h"
#include "pluton/s3/object_reader.h"

namespace pluton::s3::internal {

// `etag` without surrounding whitespace and quotes.
std::string UnquoteEtag(absl::string_view etag);

// Everything `headers` say about the object except its size (which depends on the kind of
// response): ETag, Last-Modified, Content-Type, storage class, x-amz-meta-*, md5chksum,
// encryption.
ObjectDetails ParseObjectDetails(const HeaderList& headers);

// Content-Length as a number; nullopt when absent or not a number.
std::optional<uint64_t> ContentLength(const HeaderList& headers);

// "bytes <first>-<last>/<total>" (total not "*"), with first <= last < total.
struct ContentRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t total = 0;
};
std::optional<ContentRange> ParseContentRange(absl::string_view value);

// Checks the head of a successful GET asked for [offset, offset + length) (length -1: to the
// end; `range_sent`: a Range header went out) and returns one past the last byte its body
// holds; sets *object_size. OUT_OF_RANGE when the object ends before the asked range does;
// UNKNOWN when the server answered other bytes than asked (or no usable size).
absl::StatusOr<uint64_t> CheckAnsweredRange(const HttpResponse& head, uint64_t offset,
                                            int64_t length, bool range_sent, absl::string_view what,
                                            uint64_t* object_size);

// The error for an object replaced during a read (see IsObjectChangedError).
absl::Status ObjectChangedError(absl::string_view what, absl::string_view etag);

}  // namespace pluton::s3::internal

#endif  // PLUTON_PLUGINS_S3CORE_SRC_OBJECT_DETAILS_H_
