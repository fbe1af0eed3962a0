"""Bounded log of the S3 requests received, for tests to assert on."""

import collections
import itertools
import threading

REDACTED = "<redacted>"
SECRET_HEADERS = ("authorization", "x-amz-server-side-encryption-customer-key",
                  "x-amz-copy-source-server-side-encryption-customer-key")


class RequestLog:
    """A request is recorded just after its response is sent, so a client can see its answer
    before the entry exists. begin()/record() bracket each request, and settle() waits for the
    requests in progress to be recorded: the log a test reads then includes every request
    whose answer it has already received."""

    def __init__(self, capacity=10000):
        self._entries = collections.deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_progress = 0

    def begin(self):
        with self._lock:
            self._in_progress += 1

    def record(self, entry):
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.append(entry)
            self._in_progress -= 1
            self._idle.notify_all()

    def abandon(self):
        """Ends a request begun with begin() that will not be recorded."""
        with self._lock:
            self._in_progress -= 1
            self._idle.notify_all()

    def settle(self, timeout=2.0):
        """Waits (up to `timeout` s) until no request is between begin() and record()."""
        with self._lock:
            self._idle.wait_for(lambda: self._in_progress <= 0, timeout)

    def entries(self, since=0, operation=None, bucket=None, key=None):
        with self._lock:
            items = list(self._entries)
        out = []
        for e in items:
            if e["seq"] <= since:
                continue
            if operation is not None and e.get("operation") != operation:
                continue
            if bucket is not None and e.get("bucket") != bucket:
                continue
            if key is not None and e.get("key") != key:
                continue
            out.append(e)
        return out

    def clear(self):
        with self._lock:
            self._entries.clear()


def redacted_headers(headers):
    out = {}
    for name, value in headers.items():
        lname = name.lower()
        if lname in SECRET_HEADERS:
            value = REDACTED
        if lname in out:
            out[lname] = out[lname] + "," + value
        else:
            out[lname] = value
    return out
