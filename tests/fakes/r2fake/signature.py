"""AWS Signature Version 4 verification, the way R2 checks it.

The signature is recomputed independently from what the server received,
with botocore's own SigV4 code (S3SigV4Auth) doing the canonicalisation and
the HMAC chain, and compared with the one in the Authorization header:

  * canonical URI  = the request path, percent-decoded then re-encoded the
    AWS way (so a client that does not encode its key properly fails);
  * canonical query = the query parameters, percent-decoded ('+' meaning a
    space, as in any form-encoded query) then re-encoded and sorted; an
    upload id sent with a raw '+', '/' or '=' therefore does not verify;
  * canonical headers = exactly the headers named in SignedHeaders, with the
    values received;
  * payload hash = the x-amz-content-sha256 header as received (whether it
    matches the body is checked later, while the body is read).
"""

import datetime
import hmac
import re
from urllib.parse import parse_qsl, quote, unquote

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from errors import S3Error

ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
# R2 treats "" and "us-east-1" as "auto"; its own location hints are valid too.
ACCEPTED_REGIONS = ("auto", "us-east-1", "", "wnam", "enam", "weur", "eeur", "apac", "oc")
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


class AuthInfo:
    """What was learned from a request's Authorization header."""

    def __init__(self):
        self.access_key_id = None
        self.credential = None          # config.Credential once known
        self.signed_headers = []
        self.region = None
        self.scope_date = None
        self.signature = None
        self.content_sha256 = None      # header value as received
        self.canonical_request = None
        self.string_to_sign = None

    def to_json(self):
        return {
            "access_key_id": self.access_key_id,
            "region": self.region,
            "signed_headers": self.signed_headers,
        }


class _VerifyingSigner(S3SigV4Auth):
    """botocore's S3 SigV4 signer, told which headers the client signed."""

    def __init__(self, credentials, region, signed_headers):
        super().__init__(credentials, "s3", region)
        self._signed = signed_headers

    def headers_to_sign(self, request):
        # botocore normally picks the headers itself (and never signs
        # 'expect' or 'user-agent'); a verifier must use the client's list.
        header_map = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                header_map[name] = value
        return header_map


def parse_authorization(value):
    """'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'"""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        if algorithm == "AWS":
            raise S3Error(400, "InvalidRequest",
                          "The authorization mechanism you have provided is not supported. "
                          "Please use AWS4-HMAC-SHA256.")
        raise S3Error(400, "InvalidArgument", f"Unsupported Authorization Type: {algorithm}")
    fields = {}
    for item in rest.split(","):
        name, sep, val = item.strip().partition("=")
        if sep:
            fields[name.strip()] = val.strip()
    missing = [f for f in ("Credential", "SignedHeaders", "Signature") if f not in fields]
    if missing:
        raise S3Error(400, "AuthorizationHeaderMalformed",
                      f"The authorization header is malformed; missing {', '.join(missing)}.")
    return fields


def _header_text(value):
    # http.server decodes header bytes as latin-1; clients sign UTF-8 bytes.
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def check_auth_header(info, headers, query_pairs, lookup_credential, settings, now):
    """Everything that can be decided before the signature itself.

    Fills `info` (an AuthInfo, so the request log sees what was parsed even
    when this fails) and sets info.credential; raises S3Error otherwise.
    ``lookup_credential(access_key_id)`` returns a Credential or None.
    """
    authz = headers.get("Authorization")
    if authz is None:
        if any(k.lower() == "x-amz-algorithm" for k, _ in query_pairs):
            raise S3Error(501, "NotImplemented",
                          "Query-string (presigned) authentication is not implemented by r2fake")
        raise S3Error(403, "AccessDenied", "Access Denied")
    fields = parse_authorization(authz)
    cred_parts = fields["Credential"].split("/")
    if len(cred_parts) != 5:
        raise S3Error(400, "AuthorizationHeaderMalformed",
                      "The authorization header is malformed; the Credential is mal-formed; "
                      "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
    key_id, scope_date, region, service, terminator = cred_parts
    info.access_key_id = key_id
    info.region = region
    info.scope_date = scope_date
    info.signed_headers = [h for h in fields["SignedHeaders"].split(";") if h]
    info.signature = fields["Signature"]
    if len(key_id) != 32:
        raise S3Error(400, "InvalidArgument",
                      f"Credential access key has length {len(key_id)}, should be 32")
    if region not in ACCEPTED_REGIONS:
        raise S3Error(400, "InvalidRegionName",
                      f"The region name '{region}' is not valid. "
                      "Must be one of: wnam, enam, weur, eeur, apac, oc, auto")
    if service != "s3" or terminator != "aws4_request":
        raise S3Error(400, "AuthorizationHeaderMalformed",
                      f"The authorization header is malformed; incorrect service \"{service}\" "
                      f"or terminator \"{terminator}\". This endpoint belongs to \"s3\".")
    cred = lookup_credential(key_id)
    if cred is None:
        raise S3Error(403, "InvalidAccessKeyId")
    info.credential = cred

    sha = headers.get("x-amz-content-sha256")
    if sha is None:
        raise S3Error(400, "InvalidRequest",
                      "Missing required header for this request: x-amz-content-sha256")
    info.content_sha256 = sha.strip()
    if not (info.content_sha256 == UNSIGNED_PAYLOAD or info.content_sha256.startswith("STREAMING-")
            or _HEX64.fullmatch(info.content_sha256)):
        raise S3Error(400, "InvalidArgument",
                      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                      "STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.")

    amz_date = headers.get("x-amz-date")
    try:
        when = datetime.datetime.strptime(amz_date or "", SIGV4_TIMESTAMP).replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        raise S3Error(403, "AccessDenied",
                      "AWS authentication requires a valid Date or x-amz-date header")
    if scope_date != amz_date[:8]:
        raise S3Error(400, "AuthorizationHeaderMalformed",
                      f"The authorization header is malformed; Invalid credential date "
                      f"\"{scope_date}\". This date is not the same as X-Amz-Date: \"{amz_date[:8]}\".")
    skew = abs((now - when).total_seconds())
    if skew > settings["max_skew_seconds"]:
        raise S3Error(403, "RequestTimeTooSkewed",
                      RequestTime=amz_date, ServerTime=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                      MaxAllowedSkewMilliseconds=settings["max_skew_seconds"] * 1000)
    return info


def verify_signature(info, method, raw_path, raw_query, headers):
    """Recompute the signature with botocore and compare.  Raises S3Error."""
    signed = info.signed_headers
    if "expect" in signed:
        # R2 answers this way when 'expect' is signed (libcurl adds the
        # header by itself, and proxies may drop or rewrite it).
        raise S3Error(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your key and signing method. ('expect' must not be signed)")
    if "host" not in signed:
        raise S3Error(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your key and signing method. ('host' must be signed)")
    absent = [h for h in signed if headers.get(h) is None]
    if absent:
        raise S3Error(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you "
                      f"provided. Check your key and signing method. (signed headers absent: "
                      f"{', '.join(absent)})")

    path = quote(unquote(raw_path), safe="/~")
    params = parse_qsl(raw_query, keep_blank_values=True)
    request = AWSRequest(method=method, url="http://r2fake" + path, params=params)
    for name, value in headers.items():
        request.headers[name] = _header_text(value)
    request.context["timestamp"] = headers.get("x-amz-date")
    creds = Credentials(info.credential.access_key_id, info.credential.secret_access_key)
    signer = _VerifyingSigner(creds, info.region, signed)
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    expected = signer.signature(string_to_sign, request)
    info.canonical_request = canonical
    info.string_to_sign = string_to_sign
    if not hmac.compare_digest(expected, info.signature.lower()):
        raise S3Error(403, "SignatureDoesNotMatch", None,
                      AWSAccessKeyId=info.access_key_id,
                      StringToSign=string_to_sign,
                      SignatureProvided=info.signature,
                      CanonicalRequest=canonical)


def check_unsigned_amz_headers(info, headers):
    """S3 rejects x-amz-* headers that are present but not signed."""
    signed = set(info.signed_headers)
    unsigned = sorted({k.lower() for k in headers.keys()
                       if k.lower().startswith("x-amz-") and k.lower() not in signed})
    if unsigned:
        raise S3Error(403, "AccessDenied", "There were headers present in the request which were not signed",
                      HeadersNotSigned=", ".join(unsigned))


def check_payload_mode(info):
    if info.content_sha256.startswith("STREAMING-"):
        raise S3Error(501, "NotImplemented",
                      f"x-amz-content-sha256: {info.content_sha256} (aws-chunked payloads) is not implemented")


def payload_hash_expected(info):
    """The hex SHA-256 the body must have, or None when unsigned."""
    v = info.content_sha256
    if v and _HEX64.fullmatch(v):
        return v.lower()
    return None
