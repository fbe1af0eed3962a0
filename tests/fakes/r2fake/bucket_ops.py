"""The S3 operations on a bucket as a whole: DeleteObjects and the bucket
lifecycle configuration (GET/PUT/DELETE ?lifecycle). See bulk_delete.py and
lifecycle.py for the rules, README.md for the answers.

Import `operations`, not this module: operations registers these operations
once the helpers they use are defined.
"""

import bulk_delete
import lifecycle
import operations
import rules
import s3xml
from errors import MESSAGES, S3Error


def delete_objects(h, req):
    if req.headers.get("Content-MD5") is None:
        raise S3Error(400, "InvalidRequest", "Missing required header for this request: Content-Md5")
    body = operations.small_body(h, req)
    quiet, keys = bulk_delete.parse_delete(body)
    rule = req.key_error_rule
    deleted, errors = [], []
    for key in keys:
        if rule is not None and rule.matches_key(key):
            errors.append((key, rule.code, rule.message or MESSAGES.get(rule.code, rule.code)))
            continue
        try:
            rules.check_key(key, req.settings)
        except S3Error as err:
            errors.append((key, err.code, err.message))
            continue
        h.app.store.delete_object(req.bucket, key)
        deleted.append(key)
    h.respond(req, 200, content_type=operations.XML,
              body=s3xml.delete_result([] if quiet else deleted, errors))


def get_bucket_lifecycle(h, req):
    operations.small_body(h, req)
    body = h.app.store.lifecycle(req.bucket)
    if body is None and req.settings["r2_default_lifecycle"]:
        body = lifecycle.R2_DEFAULT_RULE
    if body is None:
        raise S3Error(404, "NoSuchLifecycleConfiguration",
                      "The lifecycle configuration does not exist", BucketName=req.bucket)
    h.respond(req, 200, body=body, content_type=operations.XML)


def put_bucket_lifecycle(h, req):
    if req.headers.get("Content-MD5") is None:
        raise S3Error(400, "InvalidRequest", "Missing required header for this request: Content-Md5")
    body = operations.small_body(h, req)
    lifecycle.validate(body)
    h.app.store.set_lifecycle(req.bucket, body)
    h.respond(req, 200)


def delete_bucket_lifecycle(h, req):
    operations.small_body(h, req)
    h.app.store.set_lifecycle(req.bucket, None)
    h.respond(req, 204)


OPERATIONS = {
    "DeleteObjects": delete_objects,
    "GetBucketLifecycleConfiguration": get_bucket_lifecycle,
    "PutBucketLifecycleConfiguration": put_bucket_lifecycle,
    "DeleteBucketLifecycleConfiguration": delete_bucket_lifecycle,
}

