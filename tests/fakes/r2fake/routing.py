"""Name the S3 operation of a path-style request (/<bucket>/<key>?<query>).

A request the fake does not serve still gets a name (for the log and for
fault rules); its error is kept in req.route_error and raised only after the
request has been authenticated, as S3 does.
"""

from errors import S3Error

WRITE_OPERATIONS = {
    "PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload",
    "AbortMultipartUpload", "DeleteObject", "DeleteObjects", "CreateBucket", "DeleteBucket",
    "PutBucketLifecycleConfiguration", "DeleteBucketLifecycleConfiguration", "CopyObject",
    "UploadPartCopy",
}
# Bucket configuration needs an Admin token on R2 (Admin Read for GET, Admin Read & Write to
# change it); Object tokens are limited to objects.
ADMIN_OPERATIONS = {"CreateBucket", "DeleteBucket", "GetBucketLifecycleConfiguration",
                    "PutBucketLifecycleConfiguration", "DeleteBucketLifecycleConfiguration"}
LIFECYCLE_OPERATIONS = {"GET": "GetBucketLifecycleConfiguration",
                        "PUT": "PutBucketLifecycleConfiguration",
                        "DELETE": "DeleteBucketLifecycleConfiguration"}

BUCKET_SUBRESOURCES = {
    "accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory",
    "lifecycle", "logging", "metrics", "notification", "object-lock", "ownershipControls",
    "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "tagging",
    "versioning", "versions", "website",
}
OBJECT_SUBRESOURCES = {"acl", "attributes", "legal-hold", "retention", "tagging", "torrent",
                       "restore", "select"}


def _unsupported(req, name, what):
    req.operation = name
    req.route_error = S3Error(501, "NotImplemented", f"{what} is not implemented by r2fake")


def route(req):
    m, q = req.method, req.q
    if not req.bucket:
        if m == "GET":
            req.operation = "ListBuckets"
        else:
            req.operation = "Unsupported"
            req.route_error = S3Error(405, "MethodNotAllowed")
        return
    if not req.key:
        _route_bucket(req, m, q)
    else:
        _route_object(req, m, q)


def _route_bucket(req, m, q):
    if "lifecycle" in q:
        req.operation = LIFECYCLE_OPERATIONS.get(m, "Unsupported")
        if m not in LIFECYCLE_OPERATIONS:
            req.route_error = S3Error(405, "MethodNotAllowed")
        return
    sub = BUCKET_SUBRESOURCES.intersection(q)
    if sub:
        return _unsupported(req, "Bucket-" + sorted(sub)[0], f"Bucket subresource ?{sorted(sub)[0]}")
    if m == "GET":
        if "uploads" in q:
            req.operation = "ListMultipartUploads"
        elif "location" in q:
            req.operation = "GetBucketLocation"
        elif "list-type" in q:
            req.operation = "ListObjectsV2"
            if q["list-type"] != "2":
                req.route_error = S3Error(400, "InvalidArgument", "Invalid List Type specified in Request",
                                          ArgumentName="list-type", ArgumentValue=q["list-type"])
        else:
            req.operation = "ListObjects"
    elif m == "HEAD":
        req.operation = "HeadBucket"
    elif m == "PUT":
        req.operation = "CreateBucket"
    elif m == "DELETE":
        req.operation = "DeleteBucket"
    elif m == "POST" and "delete" in q:
        req.operation = "DeleteObjects"
    else:
        req.operation = "Unsupported"
        req.route_error = S3Error(405, "MethodNotAllowed")


def _route_object(req, m, q):
    sub = OBJECT_SUBRESOURCES.intersection(q)
    if sub:
        return _unsupported(req, "Object-" + sorted(sub)[0], f"Object subresource ?{sorted(sub)[0]}")
    copy = req.headers.get("x-amz-copy-source") is not None
    if m == "PUT":
        if "uploadId" in q or "partNumber" in q:
            req.operation = "UploadPartCopy" if copy else "UploadPart"
            if "uploadId" not in q or "partNumber" not in q:
                req.route_error = S3Error(400, "InvalidRequest",
                                          f"{req.operation} needs both partNumber and uploadId")
        elif copy:
            req.operation = "CopyObject"
        else:
            req.operation = "PutObject"
    elif m == "GET":
        req.operation = "ListParts" if "uploadId" in q else "GetObject"
    elif m == "HEAD":
        req.operation = "HeadObject"
    elif m == "DELETE":
        req.operation = "AbortMultipartUpload" if "uploadId" in q else "DeleteObject"
    elif m == "POST":
        if "uploads" in q:
            req.operation = "CreateMultipartUpload"
        elif "uploadId" in q:
            req.operation = "CompleteMultipartUpload"
        else:
            req.operation = "Unsupported"
            req.route_error = S3Error(405, "MethodNotAllowed")
    else:
        req.operation = "Unsupported"
        req.route_error = S3Error(405, "MethodNotAllowed")
