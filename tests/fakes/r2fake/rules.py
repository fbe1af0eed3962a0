"""R2's rules on headers, sizes and multipart uploads (pure checks).

Nothing here touches the network or the disk: each function takes what the
request said and raises S3Error when R2 would refuse it.
"""

import base64
import binascii
import hashlib
import threading
import re
import time
from urllib.parse import unquote

from errors import S3Error

STORAGE_CLASSES = ("STANDARD", "STANDARD_IA")

SSE_HEADERS = ("x-amz-server-side-encryption",
               "x-amz-server-side-encryption-aws-kms-key-id",
               "x-amz-server-side-encryption-context",
               "x-amz-server-side-encryption-bucket-key-enabled")
SSEC_PREFIX = "x-amz-"
# The SSE-C key of a copy's source (CopyObject, UploadPartCopy) has the same three headers.
COPY_SOURCE_SSEC_PREFIX = "x-amz-copy-source-"
ACL_HEADERS = ("x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read",
               "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp")
CHECKSUM_PREFIX = "x-amz-checksum-"
CHECKSUM_ALGO = "x-amz-sdk-checksum-algorithm"
# Headers stored with an object and returned by GET/HEAD.
STORED_HEADERS = ("content-type", "cache-control", "content-disposition",
                  "content-encoding", "content-language", "expires")


def check_unimplemented_write_headers(headers, settings):
    """Headers R2 answers with 501 on PutObject/CreateMultipartUpload/UploadPart."""
    for name in SSE_HEADERS:
        if headers.get(name) is not None:
            raise S3Error(501, "NotImplemented",
                          f"Header {name} is not implemented (R2 always encrypts with AES-256; "
                          "use SSE-C to bring your own key)", Header=name)
    for name in ACL_HEADERS:
        if headers.get(name) is not None:
            raise S3Error(501, "NotImplemented", f"Header {name} is not implemented", Header=name)
    if settings["checksum_headers"] == "reject":
        for name in headers.keys():
            lname = name.lower()
            if lname.startswith(CHECKSUM_PREFIX) or lname == CHECKSUM_ALGO:
                raise S3Error(501, "NotImplemented", f"Header {lname} is not implemented", Header=lname)


def storage_class(headers):
    """Validated x-amz-storage-class or 'STANDARD' when absent."""
    value = headers.get("x-amz-storage-class")
    if value is None:
        return "STANDARD"
    value = value.strip()
    if value == "":
        raise S3Error(501, "NotImplemented", "An empty x-amz-storage-class is not implemented",
                      Header="x-amz-storage-class")
    if value not in STORAGE_CLASSES:
        raise S3Error(400, "InvalidStorageClass")
    return value


def content_md5(headers):
    """Decoded Content-MD5 (16 bytes) or None when absent."""
    value = headers.get("Content-MD5")
    if value is None:
        return None
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise S3Error(400, "InvalidDigest")
    if len(digest) != 16:
        raise S3Error(400, "InvalidDigest")
    return digest


def require_content_md5(headers, settings):
    if settings["require_content_md5"] and headers.get("Content-MD5") is None:
        raise S3Error(400, "InvalidRequest", "Missing required header for this request: Content-MD5")


def check_content_md5(expected, actual_digest):
    if expected is not None and expected != actual_digest:
        raise S3Error(400, "BadDigest",
                      ExpectedDigest=base64.b64encode(expected).decode(),
                      CalculatedDigest=base64.b64encode(actual_digest).decode())


def check_content_sha256(expected_hex, actual_hex):
    if expected_hex is not None and expected_hex != actual_hex:
        raise S3Error(400, "XAmzContentSHA256Mismatch",
                      ClientComputedContentSHA256=expected_hex,
                      S3ComputedContentSHA256=actual_hex)


def sse_c(headers, prefix=SSEC_PREFIX):
    """Validate SSE-C headers (those of a copy's source with COPY_SOURCE_SSEC_PREFIX); return
    the key's MD5 (base64) or None."""
    alg_header = prefix + "server-side-encryption-customer-algorithm"
    key_header = prefix + "server-side-encryption-customer-key"
    md5_header = prefix + "server-side-encryption-customer-key-md5"
    alg = headers.get(alg_header)
    key = headers.get(key_header)
    key_md5 = headers.get(md5_header)
    if alg is None and key is None and key_md5 is None:
        return None
    if alg is None:
        raise S3Error(400, "InvalidArgument",
                      "Requests specifying Server Side Encryption with Customer provided keys "
                      "must provide a valid encryption algorithm.",
                      ArgumentName=alg_header)
    if alg.strip() != "AES256":
        raise S3Error(400, "InvalidEncryptionAlgorithmError",
                      "The Encryption request you specified is not valid. Supported value: AES256.",
                      ArgumentName=alg_header, ArgumentValue=alg)
    if key is None:
        raise S3Error(400, "InvalidArgument",
                      "Requests specifying Server Side Encryption with Customer provided keys "
                      "must provide an appropriate secret key.", ArgumentName=key_header)
    try:
        raw = base64.b64decode(key.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise S3Error(400, "InvalidArgument", "The secret key was invalid for the specified algorithm.",
                      ArgumentName=key_header)
    actual_md5 = base64.b64encode(hashlib.md5(raw).digest()).decode()
    if key_md5 is None:
        raise S3Error(400, "InvalidArgument",
                      "Requests specifying Server Side Encryption with Customer provided keys "
                      "must provide the client calculated MD5 of the secret key.",
                      ArgumentName=md5_header)
    if key_md5.strip() != actual_md5:
        raise S3Error(400, "InvalidArgument",
                      "The calculated MD5 hash of the key did not match the hash that was provided.",
                      ArgumentName=md5_header)
    return actual_md5


def check_sse_c_read(stored_md5, given_md5):
    """GET/HEAD of an object: the SSE-C key must be the one it was written with."""
    if stored_md5 is None and given_md5 is None:
        return
    if stored_md5 is None:
        raise S3Error(400, "InvalidRequest", "The encryption parameters are not applicable to this object.")
    if given_md5 is None:
        raise S3Error(400, "InvalidRequest",
                      "The object was stored using a form of Server Side Encryption. "
                      "The correct parameters must be provided to retrieve the object.")
    if given_md5 != stored_md5:
        raise S3Error(400, "InvalidRequest",
                      "The provided SSE-C key does not match the key the object was stored with.")


def check_sse_c_part(upload_md5, given_md5):
    """UploadPart: same SSE-C key as CreateMultipartUpload (or none for both)."""
    if upload_md5 == given_md5:
        return
    if upload_md5 is None:
        raise S3Error(400, "InvalidRequest",
                      "The multipart upload was not initiated with SSE-C; do not send SSE-C headers.")
    if given_md5 is None:
        raise S3Error(400, "InvalidRequest",
                      "The multipart upload was initiated with SSE-C: every part must carry the same key.")
    raise S3Error(400, "InvalidRequest",
                  "The SSE-C key of this part does not match the key the upload was initiated with.")


def user_metadata(headers, settings):
    meta = {}
    size = 0
    for name, value in headers.items():
        lname = name.lower()
        if lname.startswith("x-amz-meta-"):
            short = lname[len("x-amz-meta-"):]
            meta[short] = value
            size += len(short) + len(value.encode("latin-1", "replace"))
    if size > settings["max_metadata_size"]:
        raise S3Error(400, "MetadataTooLarge", Size=size, MaxSizeAllowed=settings["max_metadata_size"])
    return meta


def stored_headers(headers):
    out = {}
    for name in STORED_HEADERS:
        value = headers.get(name)
        if value is not None:
            out[name] = value
    if "content-type" not in out:
        out["content-type"] = "application/octet-stream"
    return out


def check_key(key, settings):
    if len(key.encode("utf-8")) > settings["max_key_length"]:
        raise S3Error(400, "KeyTooLongError", Size=len(key.encode("utf-8")),
                      MaxSizeAllowed=settings["max_key_length"])


def content_length(headers, required):
    """Parsed Content-Length; 411 when a body-bearing request lacks it.

    (Transfer-Encoding: chunked is refused earlier, by the HTTP layer.)
    """
    value = headers.get("Content-Length")
    if value is None:
        if required:
            raise S3Error(411, "MissingContentLength")
        return 0
    try:
        n = int(value.strip())
        if n < 0:
            raise ValueError
    except ValueError:
        raise S3Error(400, "InvalidArgument", "Content-Length is not a valid number")
    return n


def check_put_size(size, settings):
    if size > settings["max_put_size"]:
        raise S3Error(400, "EntityTooLarge", ProposedSize=size, MaxSizeAllowed=settings["max_put_size"])


def part_number(text, settings):
    try:
        n = int(text)
    except (TypeError, ValueError):
        n = 0
    if n < 1 or n > settings["max_parts"]:
        raise S3Error(400, "InvalidArgument",
                      f"Part number must be an integer between 1 and {settings['max_parts']}, inclusive",
                      ArgumentName="partNumber", ArgumentValue=text)
    return n


def check_part_size(size, settings):
    if size > settings["max_part_size"]:
        raise S3Error(400, "EntityTooLarge", ProposedSize=size, MaxSizeAllowed=settings["max_part_size"])


def normalize_etag(etag):
    return (etag or "").strip().strip('"').lower()


def validate_completion(requested, uploaded, settings):
    """Check a CompleteMultipartUpload part list against the uploaded parts.

    requested: [(part_number, etag_as_sent)] in the order sent.
    uploaded:  {part_number: (size, md5_hex)}.
    Returns [(part_number, size, md5_hex)] to assemble, in order.
    """
    if not requested:
        raise S3Error(400, "MalformedXML")
    previous = 0
    for number, _ in requested:
        if number <= previous:
            raise S3Error(400, "InvalidPartOrder")
        previous = number
    chosen = []
    for number, etag in requested:
        have = uploaded.get(number)
        if have is None or normalize_etag(etag) != have[1]:
            raise S3Error(400, "InvalidPart", PartNumber=number, ETag=etag)
        chosen.append((number, have[0], have[1]))
    # Size rules: non-trailing parts >= minimum, all equal, the last <= them.
    for number, size, _ in chosen[:-1]:
        if size < settings["min_part_size"]:
            raise S3Error(400, "EntityTooSmall", ProposedSize=size,
                          MinSizeAllowed=settings["min_part_size"], PartNumber=number)
    if len(chosen) > 1:
        first = chosen[0][1]
        if any(size != first for _, size, _ in chosen[:-1]) or chosen[-1][1] > first:
            raise S3Error(400, "InvalidPart", "All non-trailing parts must have the same length.")
    return chosen


def multipart_etag(md5_hexes):
    joined = b"".join(bytes.fromhex(h) for h in md5_hexes)
    return f"{hashlib.md5(joined).hexdigest()}-{len(md5_hexes)}"


class WriteRateLimiter:
    """R2 allows one write per second to the same key (429 SlowDown, code 10058)."""

    def __init__(self):
        self._last = {}
        self._lock = threading.Lock()

    def check_and_record(self, bucket, key, settings):
        now = time.monotonic()
        with self._lock:
            if settings["enforce_write_rate"]:
                last = self._last.get((bucket, key))
                if last is not None and now - last < settings["write_rate_interval_ms"] / 1000.0:
                    raise S3Error(429, "SlowDown", "Reduce your concurrent request rate for the same object.",
                                  R2Code=10058)
            self._last[(bucket, key)] = now

    def reset(self):
        with self._lock:
            self._last.clear()


def check_preconditions(headers, etag_hex, exists):
    """If-Match / If-None-Match for GET, HEAD and PUT. Returns 304 for GET/HEAD cases."""
    if_match = headers.get("If-Match")
    if if_match is not None:
        tags = [normalize_etag(t) for t in if_match.split(",")]
        if not exists or ("*" not in tags and etag_hex not in tags):
            raise S3Error(412, "PreconditionFailed", Condition="If-Match")
    if_none = headers.get("If-None-Match")
    if if_none is not None and exists:
        tags = [normalize_etag(t) for t in if_none.split(",")]
        if "*" in tags or etag_hex in tags:
            return 304
    return None



# -- server-side copies (CopyObject, UploadPartCopy) --------------------------------

COPY_SOURCE = "x-amz-copy-source"
METADATA_DIRECTIVES = ("COPY", "REPLACE")


def copy_source(headers):
    """x-amz-copy-source ('/bucket/key' or 'bucket/key', URL-encoded) -> (bucket, key)."""
    value = unquote(headers.get(COPY_SOURCE, "").strip())
    if "?versionId=" in value:
        raise S3Error(501, "NotImplemented", "Copying a version (versionId) is not implemented by r2fake")
    bucket, _, key = value.lstrip("/").partition("/")
    if not bucket or not key:
        raise S3Error(400, "InvalidArgument",
                      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                      ArgumentName=COPY_SOURCE, ArgumentValue=headers.get(COPY_SOURCE))
    return bucket, key


def metadata_directive(headers):
    value = headers.get("x-amz-metadata-directive", "COPY").strip()
    if value not in METADATA_DIRECTIVES:
        raise S3Error(400, "InvalidArgument", "Unknown metadata directive.",
                      ArgumentName="x-amz-metadata-directive", ArgumentValue=value)
    return value


def check_copy_preconditions(headers, etag_hex):
    """x-amz-copy-source-if-match / -if-none-match against the source's ETag (412 otherwise)."""
    if_match = headers.get("x-amz-copy-source-if-match")
    if if_match is not None:
        tags = [normalize_etag(t) for t in if_match.split(",")]
        if "*" not in tags and etag_hex not in tags:
            raise S3Error(412, "PreconditionFailed", Condition="x-amz-copy-source-If-Match")
    if_none = headers.get("x-amz-copy-source-if-none-match")
    if if_none is not None:
        tags = [normalize_etag(t) for t in if_none.split(",")]
        if "*" in tags or etag_hex in tags:
            raise S3Error(412, "PreconditionFailed", Condition="x-amz-copy-source-If-None-Match")


def copy_source_range(headers, size):
    """x-amz-copy-source-range 'bytes=first-last' -> (start, length); the whole source without
    the header. S3 wants both ends, within the source."""
    value = headers.get("x-amz-copy-source-range")
    if value is None:
        return 0, size
    m = re.fullmatch(r"bytes=(\d+)-(\d+)", value.strip())
    if not m:
        raise S3Error(400, "InvalidArgument",
                      "The x-amz-copy-source-range value must be of the form bytes=first-last where "
                      "first and last are the zero-based offsets of the first and last bytes to copy",
                      ArgumentName="x-amz-copy-source-range", ArgumentValue=value)
    first, last = int(m.group(1)), int(m.group(2))
    if first > last or last >= size:
        raise S3Error(400, "InvalidRange", "The requested range is not satisfiable",
                      RangeRequested=value, ActualObjectSize=size)
    return first, last - first + 1


def check_copy_size(size, settings):
    if size > settings["max_copy_size"]:
        raise S3Error(400, "InvalidRequest",
                      "The specified copy source is larger than the maximum allowable size for a "
                      f"copy source: {settings['max_copy_size']}")


def check_not_a_plain_self_copy(same_object, directive, storage_class_changed, encryption_changed):
    """S3 refuses to copy an object onto itself without changing anything."""
    if same_object and directive != "REPLACE" and not storage_class_changed and not encryption_changed:
        raise S3Error(400, "InvalidRequest",
                      "This copy request is illegal because it is trying to copy an object to itself "
                      "without changing the object's metadata, storage class, website redirect "
                      "location or encryption attributes.")
