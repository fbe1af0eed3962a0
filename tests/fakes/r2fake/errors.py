"""S3/R2 error type and its XML rendering.

Every rule violation in the fake raises S3Error; the HTTP layer turns it into
the XML body R2 sends (``<Error><Code>..</Code><Message>..</Message></Error>``)
with the matching status code.
"""

from xml.sax.saxutils import escape

# Default messages for the codes the fake emits (taken from the S3 error
# reference; R2 reuses the S3 codes and, for most of them, the S3 wording).
MESSAGES = {
    "AccessDenied": "Access Denied",
    "AuthorizationHeaderMalformed": "The authorization header is malformed.",
    "BadDigest": "The Content-MD5 you specified did not match what we received.",
    "BucketAlreadyOwnedByYou": "Your previous request to create the named bucket succeeded and you already own it.",
    "BucketNotEmpty": "The bucket you tried to delete is not empty.",
    "EntityTooLarge": "Your proposed upload exceeds the maximum allowed object size.",
    "EntityTooSmall": "Your proposed upload is smaller than the minimum allowed object size.",
    "InternalError": "We encountered an internal error. Please try again.",
    "InvalidAccessKeyId": "The AWS Access Key Id you provided does not exist in our records.",
    "InvalidArgument": "Invalid Argument",
    "InvalidDigest": "The Content-MD5 you specified is not valid.",
    "InvalidPart": "One or more of the specified parts could not be found. The part may not have been "
                   "uploaded, or the specified entity tag may not match the part's entity tag.",
    "InvalidPartOrder": "The list of parts was not in ascending order. Parts must be ordered by part number.",
    "InvalidRange": "The requested range is not satisfiable",
    "InvalidRequest": "Invalid Request",
    "InvalidStorageClass": "The storage class you specified is not valid",
    "KeyTooLongError": "Your key is too long",
    "MalformedXML": "The XML you provided was not well-formed or did not validate against our published schema.",
    "MetadataTooLarge": "Your metadata headers exceed the maximum allowed metadata size.",
    "MethodNotAllowed": "The specified method is not allowed against this resource.",
    "MissingContentLength": "You must provide the Content-Length HTTP header.",
    "NoSuchBucket": "The specified bucket does not exist.",
    "NoSuchKey": "The specified key does not exist.",
    "NoSuchUpload": "The specified multipart upload does not exist. The upload ID may be invalid, "
                    "or the upload may have been aborted or completed.",
    "NotImplemented": "A header or query you provided implies functionality that is not implemented.",
    "PreconditionFailed": "At least one of the pre-conditions you specified did not hold",
    "RequestTimeTooSkewed": "The difference between the request time and the current time is too large.",
    "ServiceUnavailable": "Please reduce your request rate.",
    "SignatureDoesNotMatch": "The request signature we calculated does not match the signature you "
                             "provided. Check your key and signing method.",
    "SlowDown": "Reduce your concurrent request rate for the same object.",
    "XAmzContentSHA256Mismatch": "The provided 'x-amz-content-sha256' header does not match what was computed.",
}

# Code used when a fault rule gives only a status.
DEFAULT_CODE_FOR_STATUS = {
    400: "InvalidRequest",
    401: "Unauthorized",
    403: "AccessDenied",
    404: "NoSuchKey",
    409: "Conflict",
    429: "SlowDown",
    500: "InternalError",
    501: "NotImplemented",
    502: "BadGateway",
    503: "SlowDown",
    504: "GatewayTimeout",
}


class S3Error(Exception):
    """An S3-style error response.

    ``extra`` holds additional XML elements (name -> text) that S3 adds for
    some codes, e.g. StringToSign for SignatureDoesNotMatch.
    """

    def __init__(self, status, code, message=None, **extra):
        self.status = int(status)
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        self.extra = extra
        super().__init__(f"{self.status} {code}: {self.message}")

    def to_xml(self, resource=None, request_id=None):
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<Error>']
        parts.append(f"<Code>{escape(self.code)}</Code>")
        parts.append(f"<Message>{escape(self.message)}</Message>")
        for name, value in self.extra.items():
            if value is None:
                continue
            parts.append(f"<{name}>{escape(str(value))}</{name}>")
        if resource:
            parts.append(f"<Resource>{escape(resource)}</Resource>")
        if request_id:
            parts.append(f"<RequestId>{escape(request_id)}</RequestId>")
        parts.append("</Error>")
        return "".join(parts).encode("utf-8")


def not_implemented(what):
    return S3Error(501, "NotImplemented", f"{what} is not implemented")


class AbortConnection(Exception):
    """Stop serving this connection at once (fault reset, or the client left)."""
