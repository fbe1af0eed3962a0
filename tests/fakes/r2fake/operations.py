"""The S3 operations, run once a request is authenticated and authorised.

Each function takes the connection handler `h` (body reading, responses) and
the parsed request `req`.
"""

import base64
import email.utils
import hashlib
import json

import rules
import s3xml
from config import Bucket, ConfigError
from errors import S3Error
from signature import payload_hash_expected
from store import ObjectInfo

MAX_XML_BODY = 4 * 1024 * 1024
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
XML = "application/xml"


def run(h, req):
    fn = OPERATIONS.get(req.operation)
    if fn is None:
        raise S3Error(501, "NotImplemented", f"{req.operation} is not implemented by r2fake")
    fn(h, req)


# -- helpers ---------------------------------------------------------------------

def small_body(h, req):
    """Read a small body fully; check x-amz-content-sha256 and Content-MD5."""
    md5_expected = rules.content_md5(req.headers)
    body = h.read_body(req, MAX_XML_BODY)
    rules.check_content_sha256(payload_hash_expected(req.auth), hashlib.sha256(body).hexdigest())
    rules.check_content_md5(md5_expected, hashlib.md5(body).digest())
    return body


def receive_body(h, req):
    """Stream the body to a temporary file; verify sha256 and Content-MD5."""
    md5_expected = rules.content_md5(req.headers)
    sha_expected = payload_hash_expected(req.auth)
    blob = h.app.store.receive(h.body_chunks(req), want_sha256=sha_expected is not None)
    try:
        rules.check_content_sha256(sha_expected, blob.sha256_hex)
        rules.check_content_md5(md5_expected, blob.md5)
    except S3Error:
        blob.discard()
        raise
    return blob


def ssec_response_headers(key_md5):
    if key_md5 is None:
        return []
    return [("x-amz-server-side-encryption-customer-algorithm", "AES256"),
            ("x-amz-server-side-encryption-customer-key-MD5", key_md5)]


def int_param(req, name, default, lo=0, hi=None):
    text = req.q.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < lo:
        raise S3Error(400, "InvalidArgument", f"Provided {name} not an integer or within integer range",
                      ArgumentName=name, ArgumentValue=text)
    return value if hi is None else min(value, hi)


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


# -- service and bucket operations ---------------------------------------------

def list_buckets(h, req):
    small_body(h, req)
    buckets = [b for b in h.app.store.buckets() if b.jurisdiction == req.jurisdiction]
    if req.auth.credential.buckets is not None:
        buckets = [b for b in buckets if b.name in req.auth.credential.buckets]
    h.respond(req, 200, body=s3xml.list_buckets(buckets), content_type=XML)


def head_bucket(h, req):
    small_body(h, req)
    h.respond(req, 200, headers=[("x-amz-bucket-region", "auto")])


def get_bucket_location(h, req):
    small_body(h, req)
    h.respond(req, 200, body=s3xml.location("auto"), content_type=XML)


def create_bucket(h, req):
    small_body(h, req)
    state = h.app.store.bucket(req.bucket)
    if state is not None:
        raise S3Error(409, "BucketAlreadyOwnedByYou", BucketName=req.bucket)
    try:
        bucket = Bucket(req.bucket, req.jurisdiction)
    except ConfigError:
        raise S3Error(400, "InvalidBucketName", "The specified bucket is not valid.", BucketName=req.bucket)
    h.app.store.add_bucket(bucket)
    h.respond(req, 200, headers=[("Location", "/" + req.bucket)])


def delete_bucket(h, req):
    small_body(h, req)
    h.app.store.delete_bucket(req.bucket)
    h.respond(req, 204)


def _list_entries(objects, prefix, delimiter, after, after_is_prefix, max_keys):
    """Walk sorted objects; return (contents, common_prefixes, truncated, last)."""
    contents, prefixes = [], []
    last = None            # (name, is_prefix) of the last entry returned
    count = 0
    truncated = False
    for obj in objects:
        key = obj.key
        if after is not None:
            if key <= after or (after_is_prefix and key.startswith(after)):
                continue
        entry, is_prefix = key, False
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                entry, is_prefix = key[:cut + len(delimiter)], True
                if prefixes and prefixes[-1] == entry:
                    continue
        if count >= max_keys:
            truncated = True
            break
        if is_prefix:
            prefixes.append(entry)
        else:
            contents.append(obj)
        last = (entry, is_prefix)
        count += 1
    return contents, prefixes, truncated, last


def _encode_token(last):
    return base64.urlsafe_b64encode(json.dumps(list(last)).encode()).decode()


def _decode_token(token):
    try:
        name, is_prefix = json.loads(base64.urlsafe_b64decode(token.encode()))
        return str(name), bool(is_prefix)
    except Exception:
        raise S3Error(400, "InvalidArgument", "The continuation token provided is incorrect",
                      ArgumentName="continuation-token")


def list_objects_v2(h, req):
    small_body(h, req)
    q = req.q
    prefix = q.get("prefix", "")
    delimiter = q.get("delimiter") or None
    max_keys = int_param(req, "max-keys", 1000, hi=1000)
    token = q.get("continuation-token")
    start_after = q.get("start-after") or None
    encoding = q.get("encoding-type") or None
    s3xml.encoder(encoding)
    if token is not None:
        after, after_is_prefix = _decode_token(token)
    else:
        after, after_is_prefix = start_after, False
    objects = h.app.store.list_objects(req.bucket, prefix)
    contents, prefixes, truncated, last = _list_entries(objects, prefix, delimiter, after,
                                                        after_is_prefix, max_keys)
    next_token = _encode_token(last) if truncated and last else None
    h.respond(req, 200, content_type=XML, body=s3xml.list_objects_v2(
        req.bucket, prefix, delimiter, max_keys, start_after, token, next_token, truncated,
        contents, prefixes, encoding))


def list_objects_v1(h, req):
    small_body(h, req)
    q = req.q
    prefix = q.get("prefix", "")
    delimiter = q.get("delimiter") or None
    max_keys = int_param(req, "max-keys", 1000, hi=1000)
    marker = q.get("marker") or None
    encoding = q.get("encoding-type") or None
    s3xml.encoder(encoding)
    after_is_prefix = bool(marker and delimiter and marker.endswith(delimiter))
    objects = h.app.store.list_objects(req.bucket, prefix)
    contents, prefixes, truncated, last = _list_entries(objects, prefix, delimiter, marker,
                                                        after_is_prefix, max_keys)
    next_marker = last[0] if truncated and last and delimiter else None
    h.respond(req, 200, content_type=XML, body=s3xml.list_objects_v1(
        req.bucket, prefix, delimiter, max_keys, marker, next_marker, truncated, contents,
        prefixes, encoding))


def list_multipart_uploads(h, req):
    small_body(h, req)
    q = req.q
    prefix = q.get("prefix", "")
    key_marker = q.get("key-marker") or None
    id_marker = q.get("upload-id-marker") or None
    max_uploads = int_param(req, "max-uploads", 1000, hi=1000)
    encoding = q.get("encoding-type") or None
    s3xml.encoder(encoding)
    ups = [u for u in h.app.store.uploads(req.bucket) if u.key.startswith(prefix)]
    if key_marker is not None:
        if id_marker is not None:
            ids = [u.upload_id for u in ups]
            if id_marker in ids:
                ups = ups[ids.index(id_marker) + 1:]
            else:
                ups = [u for u in ups if u.key > key_marker]
        else:
            ups = [u for u in ups if u.key > key_marker]
    truncated = len(ups) > max_uploads
    ups = ups[:max_uploads]
    h.respond(req, 200, content_type=XML, body=s3xml.list_multipart_uploads(
        req.bucket, prefix, key_marker, id_marker, max_uploads, ups, truncated, encoding))


# -- objects ---------------------------------------------------------------------

def _write_checks(req):
    """Header rules shared by PutObject and CreateMultipartUpload."""
    settings = req.settings
    rules.check_key(req.key, settings)
    rules.check_unimplemented_write_headers(req.headers, settings)
    storage_class = rules.storage_class(req.headers)
    key_md5 = rules.sse_c(req.headers)
    metadata = rules.user_metadata(req.headers, settings)
    stored = rules.stored_headers(req.headers)
    return storage_class, key_md5, metadata, stored


def put_object(h, req):
    storage_class, key_md5, metadata, stored = _write_checks(req)
    size = rules.content_length(req.headers, required=True)
    rules.check_put_size(size, req.settings)
    rules.require_content_md5(req.headers, req.settings)
    rules.content_md5(req.headers)     # InvalidDigest before the body is read
    blob = receive_body(h, req)
    etag = blob.md5.hex()
    info = ObjectInfo(req.bucket, req.key, blob.size, etag, stored, metadata, storage_class,
                      key_md5, None)

    def before_commit(existing):
        status = rules.check_preconditions(req.headers, existing.etag if existing else None,
                                           existing is not None)
        if status == 304:
            raise S3Error(412, "PreconditionFailed", Condition="If-None-Match")
        h.app.write_rate.check_and_record(req.bucket, req.key, req.settings)

    try:
        h.app.store.commit_object(info, blob, before_commit)
    finally:
        blob.discard()
    h.respond(req, 200, headers=[("ETag", f'"{etag}"')] + ssec_response_headers(key_md5))


def _parse_range(value, size):
    """(start, length) for a single 'bytes=' range, None to serve everything."""
    if not value or not value.strip().lower().startswith("bytes="):
        return None
    spec = value.strip()[6:]
    if "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                raise S3Error(416, "InvalidRange", RangeRequested=value, ActualObjectSize=size)
            n = min(n, size)
            return size - n, n
        start = int(first)
        end = int(last) if last != "" else size - 1
    except ValueError:
        return None
    if start > end and last != "":
        return None
    if start >= size:
        raise S3Error(416, "InvalidRange", RangeRequested=value, ActualObjectSize=size)
    end = min(end, size - 1)
    return start, end - start + 1


RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type", "response-content-language": "Content-Language",
    "response-expires": "Expires", "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def _object_headers(req, info):
    headers = []
    stored = dict(info.headers)
    for param, header in RESPONSE_OVERRIDES.items():
        if param in req.q:
            stored[header.lower()] = req.q[param]
    for name, value in stored.items():
        headers.append(("-".join(p.capitalize() for p in name.split("-")), value))
    headers += [("ETag", f'"{info.etag}"'), ("Last-Modified", http_date(info.last_modified)),
                ("Accept-Ranges", "bytes")]
    for name, value in info.metadata.items():
        headers.append(("x-amz-meta-" + name, value))
    if info.storage_class != "STANDARD":
        headers.append(("x-amz-storage-class", info.storage_class))
    headers += ssec_response_headers(info.ssec_key_md5)
    return headers


def get_object(h, req):
    small_body(h, req)
    if "partNumber" in req.q:
        raise S3Error(501, "NotImplemented", "GetObject/HeadObject with partNumber is not implemented by r2fake")
    given_md5 = rules.sse_c(req.headers)
    info, f = h.app.store.open_object(req.bucket, req.key)
    if info is None:
        raise S3Error(404, "NoSuchKey", Key=req.key)
    try:
        rules.check_sse_c_read(info.ssec_key_md5, given_md5)
        if rules.check_preconditions(req.headers, info.etag, True) == 304:
            h.respond(req, 304, headers=[("ETag", f'"{info.etag}"')])
            return
        headers = _object_headers(req, info)
        rng = _parse_range(req.headers.get("Range"), info.size)
        if rng is None:
            h.respond_file(req, 200, headers, f, 0, info.size)
        else:
            start, length = rng
            headers.append(("Content-Range", f"bytes {start}-{start + length - 1}/{info.size}"))
            h.respond_file(req, 206, headers, f, start, length)
    finally:
        f.close()


def delete_object(h, req):
    small_body(h, req)
    h.app.store.delete_object(req.bucket, req.key)
    h.respond(req, 204)


# -- multipart ---------------------------------------------------------------------

def create_multipart_upload(h, req):
    storage_class, key_md5, metadata, stored = _write_checks(req)
    small_body(h, req)
    up = h.app.store.create_upload(req.bucket, req.key, stored, metadata, storage_class, key_md5)
    h.respond(req, 200, headers=ssec_response_headers(key_md5), content_type=XML,
              body=s3xml.initiate_multipart(req.bucket, req.key, up.upload_id))


def upload_part(h, req):
    settings = req.settings
    number = rules.part_number(req.q.get("partNumber"), settings)
    upload_id = req.q.get("uploadId")
    up = h.app.store.upload(upload_id, req.bucket, req.key)
    rules.check_unimplemented_write_headers(req.headers, settings)
    rules.check_sse_c_part(up.ssec_key_md5, rules.sse_c(req.headers))
    size = rules.content_length(req.headers, required=True)
    rules.check_part_size(size, settings)
    rules.require_content_md5(req.headers, settings)
    rules.content_md5(req.headers)
    blob = receive_body(h, req)
    try:
        part = h.app.store.put_part(upload_id, req.bucket, req.key, number, blob)
    finally:
        blob.discard()
    h.respond(req, 200, headers=[("ETag", f'"{part.md5_hex}"')] + ssec_response_headers(up.ssec_key_md5))


def complete_multipart_upload(h, req):
    body = small_body(h, req)
    requested = s3xml.parse_complete(body)
    upload_id = req.q.get("uploadId")
    store = h.app.store

    def validate(up):
        uploaded = {n: (p.size, p.md5_hex) for n, p in up.parts.items()}
        return rules.validate_completion(requested, uploaded, req.settings)

    up, chosen = store.take_upload(upload_id, req.bucket, req.key, validate)
    blob = None
    try:
        blob = store.assemble(up, [n for n, _, _ in chosen])
        etag = rules.multipart_etag([md5 for _, _, md5 in chosen])
        info = ObjectInfo(req.bucket, req.key, blob.size, etag, up.headers, up.metadata,
                          up.storage_class, up.ssec_key_md5, None, [s for _, s, _ in chosen])
        store.commit_object(info, blob, lambda existing: h.app.write_rate.check_and_record(
            req.bucket, req.key, req.settings))
    except BaseException:
        # Leave the upload in place so the client can retry or abort it.
        store.restore_upload(up)
        if blob is not None:
            blob.discard()
        raise
    store.discard_upload_files(up)
    host = req.headers.get("Host", "localhost")
    location = f"http://{host}/{req.bucket}/{req.key}"
    h.respond(req, 200, headers=ssec_response_headers(up.ssec_key_md5), content_type=XML,
              body=s3xml.complete_multipart(location, req.bucket, req.key, etag))


def abort_multipart_upload(h, req):
    small_body(h, req)
    h.app.store.abort(req.q.get("uploadId"), req.bucket, req.key)
    h.respond(req, 204)


def list_parts(h, req):
    small_body(h, req)
    up = h.app.store.upload(req.q.get("uploadId"), req.bucket, req.key)
    max_parts = int_param(req, "max-parts", 1000, hi=1000)
    marker = int_param(req, "part-number-marker", 0)
    parts = [up.parts[n] for n in sorted(up.parts) if n > marker]
    truncated = len(parts) > max_parts
    parts = parts[:max_parts]
    h.respond(req, 200, content_type=XML,
              body=s3xml.list_parts(req.bucket, req.key, up, parts, marker, max_parts, truncated))


OPERATIONS = {
    "ListBuckets": list_buckets,
    "HeadBucket": head_bucket,
    "GetBucketLocation": get_bucket_location,
    "CreateBucket": create_bucket,
    "DeleteBucket": delete_bucket,
    "ListObjectsV2": list_objects_v2,
    "ListObjects": list_objects_v1,
    "ListMultipartUploads": list_multipart_uploads,
    "PutObject": put_object,
    "GetObject": get_object,
    "HeadObject": get_object,
    "DeleteObject": delete_object,
    "CreateMultipartUpload": create_multipart_upload,
    "UploadPart": upload_part,
    "CompleteMultipartUpload": complete_multipart_upload,
    "AbortMultipartUpload": abort_multipart_upload,
    "ListParts": list_parts,
}

# DeleteObjects and the bucket lifecycle operations live in bucket_ops.py, CopyObject and
# UploadPartCopy in copy_ops.py; both use the helpers above, so they are imported last.
import bucket_ops  # noqa: E402
import copy_ops  # noqa: E402

OPERATIONS.update(bucket_ops.OPERATIONS)
OPERATIONS.update(copy_ops.OPERATIONS)
