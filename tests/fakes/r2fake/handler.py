"""HTTP/1.1 layer: request parsing, body streaming, responses, the auth pipeline.

One R2Handler instance serves one connection (keep-alive, any number of
requests).  For every S3 request it:
  1. parses path and query and names the operation (routing.py),
  2. authenticates (signature.py) before reading any body, so a refused
     request with ``Expect: 100-continue`` never gets its 100,
  3. checks the token's scope and the bucket,
  4. applies a matching fault rule, if any (faults.py),
  5. runs the operation (operations.py),
  6. records the request in the log (reqlog.py).
A body that was not consumed when an error is sent is drained (up to the
drain_limit setting) so the connection stays usable; otherwise, and always
after an unanswered ``Expect: 100-continue``, the connection is closed.
"""

import re
import socket
import struct
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote

import control
import operations
import routing
import signature
from errors import AbortConnection, S3Error
from reqlog import redacted_headers

CHUNK = 1024 * 1024
CONTROL_PREFIX = "/__fake__"
_JURISDICTION_HOST = re.compile(r"\.(eu|fedramp)\.r2\.cloudflarestorage\.com(:\d+)?$", re.I)


class Request:
    def __init__(self, handler):
        self.started = time.monotonic()
        self.method = handler.command
        target = handler.path
        if "://" in target.split("?", 1)[0]:
            # absolute-form request target
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        self.raw_path, _, self.raw_query = target.partition("?")
        self.path = unquote(self.raw_path)
        self.params = parse_qsl(self.raw_query, keep_blank_values=True)
        self.q = {}
        for k, v in self.params:
            self.q.setdefault(k, v)
        self.headers = handler.headers
        trimmed = self.path.lstrip("/")
        self.bucket, _, self.key = trimmed.partition("/")
        self.operation = None
        self.route_error = None
        self.content_length = 0
        self.body_read = 0
        self.body_done = False
        self.auth = None
        self.settings = None
        self.jurisdiction = None
        self.status = None
        self.error_code = None
        self.fault = None
        self.drop_response = False
        self.truncate_bytes = None
        self.key_error_rule = None   # a key_error fault rule for DeleteObjects
        self.reset = False
        self.note = None

    def part_number_hint(self):
        try:
            return int(self.q.get("partNumber"))
        except (TypeError, ValueError):
            return None

    def body_remaining(self):
        return self.content_length - self.body_read

    def settings_value(self, name, default=0):
        return self.settings[name] if self.settings else default


class R2Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "r2fake"
    sys_version = ""

    # -- connection plumbing ------------------------------------------------
    def setup(self):
        self.timeout = getattr(self.server, "idle_timeout", None)
        super().setup()

    def handle(self):
        try:
            super().handle()
        except (AbortConnection, ConnectionError, TimeoutError, socket.timeout):
            self.close_connection = True

    def parse_request(self):
        self._expect_pending = False
        return super().parse_request()

    def handle_expect_100(self):
        # Decide later: the 100 is sent only when the body is actually wanted.
        self._expect_pending = True
        return True

    def log_message(self, fmt, *args):
        if self.server.app.verbose:
            sys.stderr.write("r2fake: %s %s\n" % (self.address_string(), fmt % args))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = lambda self: self._dispatch()

    @property
    def app(self):
        return self.server.app

    # -- body ---------------------------------------------------------------
    def send_continue(self):
        if self._expect_pending:
            self._expect_pending = False
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def body_chunks(self, req, limit=None):
        """Yield the request body in chunks of at most 1 MiB."""
        remaining = req.body_remaining() if limit is None else min(limit, req.body_remaining())
        if remaining > 0:
            self.send_continue()
        while remaining > 0:
            data = self.rfile.read(min(CHUNK, remaining))
            if not data:
                req.note = "client closed the connection mid-body"
                raise AbortConnection()
            remaining -= len(data)
            req.body_read += len(data)
            yield data
        if req.body_read >= req.content_length:
            req.body_done = True

    def read_body(self, req, limit):
        if req.content_length > limit:
            raise S3Error(400, "MaxMessageLengthExceeded",
                          "Your request was too big.", MaxMessageLengthBytes=limit)
        return b"".join(self.body_chunks(req))

    def discard_body(self, req):
        for _ in self.body_chunks(req):
            pass

    def settle_body(self, req):
        """Before an error answer: drain what is left, or plan to close."""
        if req.body_done or req.body_remaining() <= 0:
            return
        if self._expect_pending:
            # The client is waiting for our go-ahead: never send it.
            self.close_connection = True
            return
        if req.body_remaining() <= req.settings_value("drain_limit"):
            try:
                self.discard_body(req)
                return
            except AbortConnection:
                raise
        self.close_connection = True

    # -- responses -------------------------------------------------------------
    def respond(self, req, status, headers=(), body=b"", content_type=None):
        if req.drop_response:
            req.note = "response dropped by fault rule"
            self.abort_connection(req)
        req.status = status
        self.send_response(status)
        if content_type and body:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def respond_file(self, req, status, headers, f, offset, length):
        """Send `length` bytes of `f` from `offset` (honours truncate faults)."""
        if req.drop_response:
            req.note = "response dropped by fault rule"
            self.abort_connection(req)
        req.status = status
        send = length
        if req.truncate_bytes is not None and self.command == "GET":
            send = length // 2 if req.truncate_bytes < 0 else min(req.truncate_bytes, length)
            self.close_connection = True
            req.note = f"body truncated after {send} of {length} bytes by fault rule"
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        if self.close_connection and req.truncate_bytes is None:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD" or send == 0:
            return
        self.connection.sendfile(f, offset, send)

    def send_s3_error(self, req, err):
        req.error_code = err.code
        self.settle_body(req)
        body = err.to_xml(resource=req.raw_path)
        self.respond(req, err.status, body=body, content_type="application/xml")

    def abort_connection(self, req):
        """Close with TCP RST and no answer."""
        req.reset = True
        req.status = req.status or "reset"
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        for f in (self.wfile, self.rfile):
            try:
                f.close()
            except Exception:
                pass
        try:
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True
        raise AbortConnection()

    # -- dispatch ---------------------------------------------------------------
    def _dispatch(self):
        req = Request(self)
        if req.path == CONTROL_PREFIX or req.path.startswith(CONTROL_PREFIX + "/"):
            control.handle(self, req)
            return
        self.app.log.begin()
        try:
            try:
                self._serve_s3(req)
            except S3Error as err:
                self.send_s3_error(req, err)
            except AbortConnection:
                raise
            except Exception as exc:  # a bug in the fake: say so loudly
                traceback.print_exc()
                req.note = f"internal error: {exc!r}"
                self.close_connection = True
                self.send_s3_error(req, S3Error(500, "InternalError", f"r2fake bug: {exc!r}"))
        finally:
            try:
                self._record(req)
            except BaseException:
                self.app.log.abandon()  # keep begin()/record() balanced
                raise

    def _serve_s3(self, req):
        app = self.app
        req.settings = app.config.settings()
        host = self.headers.get("Host", "")
        m = _JURISDICTION_HOST.search(host)
        req.jurisdiction = m.group(1).lower() if m else req.settings["jurisdiction"]
        routing.route(req)
        te = self.headers.get("Transfer-Encoding")
        if te is not None and te.strip().lower() != "identity":
            self.close_connection = True   # cannot find the end of the body
            raise S3Error(501, "NotImplemented",
                          "A header you provided implies functionality that is not implemented",
                          Header="Transfer-Encoding")
        try:
            req.content_length = int(self.headers.get("Content-Length", "0"))
            if req.content_length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise S3Error(400, "InvalidArgument", "Content-Length is not a valid number")

        # Authentication (no body has been read yet).
        req.auth = signature.AuthInfo()
        signature.check_auth_header(req.auth, self.headers, req.params, app.config.credential,
                                    req.settings, app.now())
        signature.verify_signature(req.auth, req.method, req.raw_path, req.raw_query, self.headers)
        if req.settings["require_signed_amz_headers"]:
            signature.check_unsigned_amz_headers(req.auth, self.headers)
        signature.check_payload_mode(req.auth)

        # Authorisation and bucket.
        cred = req.auth.credential
        if req.operation == "ListBuckets":
            if not cred.admin:
                raise S3Error(403, "AccessDenied")
        elif req.bucket:
            if not cred.may_access(req.bucket):
                raise S3Error(403, "AccessDenied")
            if req.operation in routing.ADMIN_OPERATIONS and not cred.admin:
                raise S3Error(403, "AccessDenied")
        if req.operation in routing.WRITE_OPERATIONS and cred.read_only:
            raise S3Error(403, "AccessDenied")
        if req.route_error is not None:
            raise req.route_error
        if req.bucket and req.operation != "CreateBucket":
            state = app.store.bucket(req.bucket)
            if state is None or state.jurisdiction != req.jurisdiction:
                raise S3Error(404, "NoSuchBucket", BucketName=req.bucket)

        if self._apply_fault(req):
            return
        operations.run(self, req)

    def _apply_fault(self, req):
        """Applies the fault rule that fires, if any; True when it answered the request."""
        rule = self.app.faults.match(req)
        if rule is None:
            return False
        req.fault = rule.id
        if rule.delay_ms:
            time.sleep(rule.delay_ms / 1000.0)
        if rule.action == "status":
            self.discard_body(req)
            raise S3Error(rule.status, rule.code, rule.message)
        if rule.action == "reset":
            if rule.after_bytes:
                for _ in self.body_chunks(req, limit=rule.after_bytes):
                    pass
            req.note = "connection reset by fault rule"
            self.abort_connection(req)
        if rule.action == "truncate":
            req.truncate_bytes = -1 if rule.truncate_bytes is None else rule.truncate_bytes
        if rule.action == "drop_response":
            req.drop_response = True
        if rule.action == "key_error":
            req.key_error_rule = rule
        if rule.action == "error_in_200":
            self.discard_body(req)
            err = S3Error(rule.status, rule.code, rule.message)
            req.error_code = err.code
            self.respond(req, 200, body=err.to_xml(resource=req.raw_path),
                         content_type="application/xml")
            return True
        return False

    def _record(self, req):
        auth = req.auth
        headers = self.headers
        entry = {
            "time": time.time(),
            "duration_ms": round((time.monotonic() - req.started) * 1000, 3),
            "client": self.client_address[0],
            "method": req.method,
            "path": req.raw_path,
            "query": req.raw_query,
            "params": dict(req.params),
            "operation": req.operation,
            "bucket": req.bucket or None,
            "key": req.key or None,
            "part_number": req.part_number_hint(),
            "upload_id": req.q.get("uploadId"),
            "status": req.status,
            "error_code": req.error_code,
            "fault": req.fault,
            "reset": req.reset,
            "note": req.note,
            "access_key_id": auth.access_key_id if auth else None,
            "region": auth.region if auth else None,
            "signed_headers": auth.signed_headers if auth else None,
            "content_sha256": headers.get("x-amz-content-sha256"),
            "content_md5": headers.get("Content-MD5"),
            "has_content_md5": headers.get("Content-MD5") is not None,
            "content_length": headers.get("Content-Length"),
            "expect": headers.get("Expect"),
            "transfer_encoding": headers.get("Transfer-Encoding"),
            "body_bytes": req.body_read,
            "headers": redacted_headers(headers),
        }
        if req.error_code == "SignatureDoesNotMatch" and auth is not None:
            entry["canonical_request"] = auth.canonical_request
            entry["string_to_sign"] = auth.string_to_sign
        self.app.log.record(entry)

