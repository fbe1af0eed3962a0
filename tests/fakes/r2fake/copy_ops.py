"""Server-side copies: CopyObject and UploadPartCopy (PUT with x-amz-copy-source).

What they check, as S3 and R2 do: the caller may read the source bucket; the source
exists; the copy-source conditions (x-amz-copy-source-if-match -> 412 PreconditionFailed);
the source's SSE-C key in the x-amz-copy-source-server-side-encryption-customer-* headers
when it was written with SSE-C (and none otherwise); CopyObject sources up to
max_copy_size (5 GiB); no copy of an object onto itself that changes nothing
(InvalidRequest, unless the metadata directive is REPLACE or the storage class or the
encryption changes); UploadPartCopy ranges (bytes=first-last within the source, the part
at most max_part_size). Copied parts join the upload like uploaded ones, so
CompleteMultipartUpload enforces the same equal-part rule on them.

A CopyObject result is a single-part object whose ETag is the MD5 of its bytes (as on S3
without SSE-C). The copy-source condition is checked again under the store lock right
before the copy commits, so a copy pinned to an ETag never overwrites another writer's
object.
"""

import operations
import rules
import s3xml
from errors import S3Error
from store import ObjectInfo

XML = operations.XML


def _source_bucket(h, req):
    bucket, key = rules.copy_source(req.headers)
    if not req.auth.credential.may_access(bucket):
        raise S3Error(403, "AccessDenied")
    state = h.app.store.bucket(bucket)
    if state is None or state.jurisdiction != req.jurisdiction:
        raise S3Error(404, "NoSuchBucket", BucketName=bucket)
    return bucket, key


def _check_source(req, key, info, given_md5):
    if info is None:
        raise S3Error(404, "NoSuchKey", Key=key)
    rules.check_sse_c_read(info.ssec_key_md5, given_md5)
    rules.check_copy_preconditions(req.headers, info.etag)


def copy_object(h, req):
    operations.small_body(h, req)
    storage_class, key_md5, metadata, stored = operations._write_checks(req)
    directive = rules.metadata_directive(req.headers)
    bucket, key = _source_bucket(h, req)
    source_md5 = rules.sse_c(req.headers, rules.COPY_SOURCE_SSEC_PREFIX)
    explicit_class = req.headers.get("x-amz-storage-class") is not None

    def check(info):
        _check_source(req, key, info, source_md5)
        rules.check_copy_size(info.size, req.settings)
        rules.check_not_a_plain_self_copy(
            (bucket, key) == (req.bucket, req.key), directive,
            explicit_class and storage_class != info.storage_class, key_md5 != info.ssec_key_md5)
        return 0, info.size

    source, blob = h.app.store.copy_range(bucket, key, check)
    if directive == "COPY":
        metadata, stored = dict(source.metadata), dict(source.headers)
        if not explicit_class:
            storage_class = source.storage_class
    etag = blob.md5.hex()
    info = ObjectInfo(req.bucket, req.key, blob.size, etag, stored, metadata, storage_class,
                      key_md5, None)

    def before_commit(existing):
        if (bucket, key) == (req.bucket, req.key):
            # The source is the object being replaced: still the one the checks passed?
            _check_source(req, key, existing, source_md5)
        h.app.write_rate.check_and_record(req.bucket, req.key, req.settings)

    try:
        h.app.store.commit_object(info, blob, before_commit)
    finally:
        blob.discard()
    h.respond(req, 200, headers=operations.ssec_response_headers(key_md5), content_type=XML,
              body=s3xml.copy_result("CopyObjectResult", etag, info.last_modified))


def upload_part_copy(h, req):
    settings = req.settings
    operations.small_body(h, req)
    number = rules.part_number(req.q.get("partNumber"), settings)
    upload_id = req.q.get("uploadId")
    up = h.app.store.upload(upload_id, req.bucket, req.key)
    rules.check_unimplemented_write_headers(req.headers, settings)
    rules.check_sse_c_part(up.ssec_key_md5, rules.sse_c(req.headers))
    bucket, key = _source_bucket(h, req)
    source_md5 = rules.sse_c(req.headers, rules.COPY_SOURCE_SSEC_PREFIX)

    def check(info):
        _check_source(req, key, info, source_md5)
        start, length = rules.copy_source_range(req.headers, info.size)
        rules.check_part_size(length, settings)
        return start, length

    _, blob = h.app.store.copy_range(bucket, key, check)
    try:
        part = h.app.store.put_part(upload_id, req.bucket, req.key, number, blob)
    finally:
        blob.discard()
    h.respond(req, 200, headers=operations.ssec_response_headers(up.ssec_key_md5), content_type=XML,
              body=s3xml.copy_result("CopyPartResult", part.md5_hex, part.last_modified))


OPERATIONS = {
    "CopyObject": copy_object,
    "UploadPartCopy": upload_part_copy,
}
