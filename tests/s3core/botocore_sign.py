#!/usr/bin/python3
"""Signs S3 requests with botocore's S3SigV4Auth: an independent oracle for pluton's signer.

stdin: a JSON list of requests, each
  {"method": "PUT", "endpoint": "https://host[:port]", "bucket": "b" (optional),
   "key": "raw object key" (optional), "params": [["uploadId", "raw value"], ...],
   "headers": {"Host": "...", ...}, "payload_hash": "<hex>" | "UNSIGNED-PAYLOAD",
   "time": "20150830T123600Z", "region": "auto", "service": "s3",
   "access_key": "...", "secret_key": "...", "token": "..." (optional)}
stdout: a JSON list, one per request, of
  {"path": the URL path botocore's S3 serializer would send (key quoted with safe '/~'),
   "canonical_request": ..., "authorization": ...}

botocore reads the clock with datetime.datetime.utcnow(); the module's datetime is replaced
by one whose utcnow() returns the request's time. The payload hash is what payload() returns
(S3SigV4Auth copies it into X-Amz-Content-SHA256). Query parameters go in as raw pairs, so
botocore encodes and sorts them itself.
"""
import datetime
import json
import sys
import types
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class _FixedClock(datetime.datetime):
    now_value = None

    @classmethod
    def utcnow(cls):
        return cls.now_value


botocore.auth.datetime = types.SimpleNamespace(datetime=_FixedClock)


class _OracleAuth(botocore.auth.S3SigV4Auth):
    def __init__(self, credentials, service, region, payload_hash):
        super().__init__(credentials, service, region)
        self._payload_hash = payload_hash
        self.last_canonical_request = None

    def payload(self, request):
        return self._payload_hash

    def canonical_request(self, request):
        self.last_canonical_request = super().canonical_request(request)
        return self.last_canonical_request


def sign(item):
    path = ""
    if item.get("bucket"):
        path += "/" + item["bucket"]
    if "key" in item:
        path += "/" + quote(item["key"], safe="/~")
    if not path:
        path = "/"
    request = AWSRequest(
        method=item["method"],
        url=item["endpoint"] + path,
        headers=dict(item.get("headers", {})),
        params=[tuple(p) for p in item.get("params", [])],
    )
    _FixedClock.now_value = datetime.datetime.strptime(item["time"], "%Y%m%dT%H%M%SZ")
    credentials = Credentials(item["access_key"], item["secret_key"], item.get("token"))
    auth = _OracleAuth(credentials, item["service"], item["region"], item["payload_hash"])
    auth.add_auth(request)
    return {
        "path": path,
        "canonical_request": auth.last_canonical_request,
        "authorization": request.headers["Authorization"],
    }


def main():
    items = json.load(sys.stdin)
    json.dump([sign(item) for item in items], sys.stdout)


if __name__ == "__main__":
    main()
