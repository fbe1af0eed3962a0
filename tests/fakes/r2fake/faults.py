"""Fault injection rules set through the control API.

A rule matches requests by operation (and optionally bucket, key, key prefix,
part number, method), lets the first ``skip`` matches through, then fires on
the next ``times`` matches (-1 = forever).  With ``probability`` below 1 a
matching request is only a candidate: the rule fires on it with that
probability, drawn from the rule's own random generator (seeded with ``seed``,
default 0, so a sequence of requests meets the same faults run after run);
a request it lets pass counts neither as skipped nor as fired.  Rules are tried in the order they
were added; the first one that fires wins.  Faults are applied after the
request is authenticated, so a faulted request was still correctly signed.

Actions:
  status         answer with an S3 error (status/code/message); the body is
                 read and thrown away first, the connection stays usable.
  reset          read ``after_bytes`` bytes of the body (default 0), then
                 close the socket abruptly (TCP RST) without answering.
  delay          sleep ``delay_ms`` and then serve the request normally.
  truncate       GetObject only: send the headers (full Content-Length) and
                 ``truncate_bytes`` bytes of the body (default: half), then RST.
  drop_response  perform the operation, then RST instead of answering
                 (the server did the work but the client never hears of it).
  key_error      DeleteObjects only: the keys the rule's ``key`` / ``key_prefix``
                 match (every key when neither is set) are not deleted and come
                 back as <Error> entries with ``code`` (default AccessDenied)
                 and ``message``; the other keys are deleted normally.
  error_in_200   answer 200 OK with an <Error> document (status/code/message as for
                 ``status``, the status only choosing the default code) without doing
                 the operation: what S3 may send for CopyObject, UploadPartCopy and
                 CompleteMultipartUpload, whose status line goes out before the work ends.
Any action may also carry ``delay_ms`` (applied first).
"""

import itertools
import random
import threading

from errors import DEFAULT_CODE_FOR_STATUS

ACTIONS = ("status", "reset", "delay", "truncate", "drop_response", "key_error", "error_in_200")
OPERATIONS = (
    "*", "ListBuckets", "CreateBucket", "DeleteBucket", "HeadBucket", "GetBucketLocation",
    "ListObjects", "ListObjectsV2", "ListMultipartUploads", "PutObject", "GetObject",
    "HeadObject", "DeleteObject", "CreateMultipartUpload", "UploadPart",
    "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts", "DeleteObjects",
    "CopyObject", "UploadPartCopy",
    "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
    "DeleteBucketLifecycleConfiguration",
)


class FaultError(ValueError):
    pass


class Rule:
    _ids = itertools.count(1)

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise FaultError("a fault rule must be a JSON object")
        known = {"operation", "bucket", "key", "key_prefix", "part_number", "method", "times",
                 "skip", "action", "status", "code", "message", "delay_ms", "after_bytes",
                 "truncate_bytes", "probability", "seed"}
        unknown = set(spec) - known
        if unknown:
            raise FaultError(f"unknown fault fields: {sorted(unknown)}")
        self.id = next(Rule._ids)
        self.operation = spec.get("operation", "*")
        if self.operation not in OPERATIONS:
            raise FaultError(f"unknown operation {self.operation!r}; one of {OPERATIONS}")
        self.bucket = spec.get("bucket")
        self.key = spec.get("key")
        self.key_prefix = spec.get("key_prefix")
        self.part_number = _opt_int(spec, "part_number")
        self.method = spec.get("method")
        self.times = _opt_int(spec, "times", 1)
        self.skip = _opt_int(spec, "skip", 0)
        self.action = spec.get("action", "status")
        if self.action not in ACTIONS:
            raise FaultError(f"unknown action {self.action!r}; one of {ACTIONS}")
        self.status = _opt_int(spec, "status", 500 if self.action in ("status", "error_in_200") else None)
        if self.action == "key_error":
            if self.operation != "DeleteObjects":
                raise FaultError("action 'key_error' needs operation 'DeleteObjects'")
            self.code = spec.get("code") or "AccessDenied"
        else:
            self.code = spec.get("code") or DEFAULT_CODE_FOR_STATUS.get(self.status or 500, "InternalError")
        self.message = spec.get("message")
        self.delay_ms = _opt_int(spec, "delay_ms", 0)
        self.after_bytes = _opt_int(spec, "after_bytes", 0)
        self.truncate_bytes = _opt_int(spec, "truncate_bytes")
        if self.action == "delay" and not self.delay_ms:
            raise FaultError("action 'delay' needs delay_ms")
        self.probability = _opt_float(spec, "probability", 1.0)
        if not 0.0 <= self.probability <= 1.0:
            raise FaultError("probability must be between 0 and 1")
        self.seed = _opt_int(spec, "seed", 0)
        self._random = random.Random(self.seed)
        self.remaining = self.times
        self.skipped = 0
        self.fired = 0

    def matches(self, req):
        if self.operation != "*" and self.operation != req.operation:
            return False
        if self.bucket is not None and self.bucket != req.bucket:
            return False
        # key_error rules filter the keys inside the request instead (matches_key).
        if self.action != "key_error" and not self.matches_key(req.key or ""):
            return False
        if self.method is not None and self.method.upper() != req.method:
            return False
        if self.part_number is not None and self.part_number != req.part_number_hint():
            return False
        return True

    def matches_key(self, key):
        if self.key is not None and self.key != key:
            return False
        return self.key_prefix is None or key.startswith(self.key_prefix)

    def to_json(self):
        return {
            "id": self.id, "operation": self.operation, "bucket": self.bucket, "key": self.key,
            "key_prefix": self.key_prefix, "part_number": self.part_number, "method": self.method,
            "times": self.times, "skip": self.skip, "action": self.action, "status": self.status,
            "code": self.code, "message": self.message, "delay_ms": self.delay_ms,
            "after_bytes": self.after_bytes, "truncate_bytes": self.truncate_bytes,
            "probability": self.probability, "seed": self.seed,
            "remaining": self.remaining, "skipped": self.skipped, "fired": self.fired,
        }


def _opt_float(spec, name, default):
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultError(f"{name} must be a number")
    return float(value)


def _opt_int(spec, name, default=None):
    value = spec.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool):
        raise FaultError(f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FaultError(f"{name} must be an integer")


class Faults:
    def __init__(self):
        self._rules = []
        self._lock = threading.Lock()

    def add(self, spec):
        rule = Rule(spec)
        with self._lock:
            self._rules.append(rule)
        return rule

    def list(self):
        with self._lock:
            return [r.to_json() for r in self._rules]

    def delete(self, rule_id):
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self):
        with self._lock:
            self._rules = []

    def match(self, req):
        """The rule that fires for this request (counters updated), or None."""
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.matches(req):
                    continue
                if rule.skipped < rule.skip:
                    rule.skipped += 1
                    continue
                if rule.probability < 1.0 and rule._random.random() >= rule.probability:
                    continue
                if rule.remaining > 0:
                    rule.remaining -= 1
                rule.fired += 1
                return rule
        return None
