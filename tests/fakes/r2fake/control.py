"""Control API under /__fake__/ (unsigned, JSON): faults, inspection, reset.

Endpoints (see README.md for the JSON shapes):
  GET    /__fake__/health
  POST   /__fake__/reset
  GET    /__fake__/settings            PUT|POST /__fake__/settings   {name: value, ...}
  GET    /__fake__/faults              POST /__fake__/faults          rule or [rules]
  DELETE /__fake__/faults              DELETE /__fake__/faults/<id>
  GET    /__fake__/uploads[?bucket=]   DELETE /__fake__/uploads?upload_id=   (expire one)
  POST   /__fake__/uploads/initiated   {"upload_id", "initiated" | "age_seconds"}  (backdate one)
  GET    /__fake__/lifecycle?bucket=   the stored lifecycle configuration (raw XML, or null)
  PUT    /__fake__/lifecycle?bucket=   raw XML body: store a configuration (validated like S3)
  GET    /__fake__/objects[?bucket=&prefix=]
  GET    /__fake__/object?bucket=&key=  (raw content)
  POST   /__fake__/corrupt?bucket=&key=[&offset=]
  GET    /__fake__/requests[?since=&operation=&bucket=&key=]   DELETE /__fake__/requests
  GET    /__fake__/buckets             POST /__fake__/buckets         {"name", "jurisdiction"}
  GET    /__fake__/credentials         POST /__fake__/credentials     credential object
"""

import json
import time
import traceback

import lifecycle
from config import Bucket, ConfigError, Credential
from errors import AbortConnection, S3Error
from faults import FaultError

MAX_BODY = 1024 * 1024


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def handle(h, req):
    req.operation = "Control"
    try:
        req.content_length = int(h.headers.get("Content-Length", "0"))
    except ValueError:
        req.content_length = 0
        h.close_connection = True
    if h.headers.get("Transfer-Encoding"):
        h.close_connection = True
    try:
        if req.content_length > MAX_BODY:
            raise ControlError(413, "control request body too large")
        body = b"".join(h.body_chunks(req)) if req.content_length else b""
        route = req.path[len("/__fake__"):].strip("/")
        result = _route(h.app, req, route, body)
        if isinstance(result, tuple) and result and result[0] == "raw":
            _, info, f = result
            try:
                h.respond_file(req, 200, [("Content-Type", "application/octet-stream"),
                                          ("ETag", f'"{info.etag}"')], f, 0, info.size)
            finally:
                f.close()
            return
        _send_json(h, req, 200, result)
    except ControlError as e:
        _send_json(h, req, e.status, {"error": e.message})
    except (ConfigError, FaultError) as e:
        _send_json(h, req, 400, {"error": str(e)})
    except S3Error as e:
        _send_json(h, req, e.status, {"error": e.message, "code": e.code})
    except AbortConnection:
        raise
    except Exception as e:  # keep the fake alive and tell the test
        traceback.print_exc()
        _send_json(h, req, 500, {"error": repr(e)})


def _send_json(h, req, status, obj):
    body = (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode()
    h.respond(req, status, body=body, content_type="application/json")


def _json(body):
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except json.JSONDecodeError as e:
        raise ControlError(400, f"invalid JSON: {e}")


def _need(req, name):
    value = req.q.get(name)
    if value is None or value == "":
        raise ControlError(400, f"query parameter '{name}' is required")
    return value


def _route(app, req, route, body):
    m = req.method
    if route == "health" and m in ("GET", "HEAD"):
        return {"ok": True, "data_dir": app.data_dir}
    if route == "reset" and m == "POST":
        app.reset()
        return {"ok": True}
    if route == "settings":
        if m == "GET":
            return app.config.settings()
        if m in ("PUT", "POST", "PATCH"):
            changes = _json(body)
            if not isinstance(changes, dict):
                raise ControlError(400, "settings body must be an object")
            return app.config.update_settings(changes)
    if route == "faults":
        if m == "GET":
            return app.faults.list()
        if m == "POST":
            spec = _json(body)
            specs = spec if isinstance(spec, list) else [spec]
            added = [app.faults.add(s).to_json() for s in specs]
            return added if isinstance(spec, list) else added[0]
        if m == "DELETE":
            app.faults.clear()
            return {"ok": True}
    if route.startswith("faults/") and m == "DELETE":
        try:
            rule_id = int(route.split("/", 1)[1])
        except ValueError:
            raise ControlError(400, "fault id must be an integer")
        if not app.faults.delete(rule_id):
            raise ControlError(404, f"no fault rule {rule_id}")
        return {"ok": True}
    if route == "uploads":
        if m == "GET":
            return [u.to_json() for u in app.store.uploads(req.q.get("bucket"))]
        if m == "DELETE":
            up = app.store.abort(_need(req, "upload_id"))
            return {"ok": True, "bucket": up.bucket, "key": up.key}
    if route == "uploads/initiated" and m == "POST":
        return _set_initiated(app, _json(body))
    if route == "lifecycle" and m == "GET":
        xml = app.store.lifecycle(_need(req, "bucket"))
        return {"bucket": req.q["bucket"], "xml": None if xml is None else xml.decode("utf-8")}
    if route == "lifecycle" and m == "PUT":
        bucket = _need(req, "bucket")
        lifecycle.validate(body)
        app.store.set_lifecycle(bucket, body)
        return {"ok": True}
    if route == "objects" and m == "GET":
        return [o.to_json() for o in app.store.all_objects(req.q.get("bucket"), req.q.get("prefix", ""))]
    if route == "object" and m == "GET":
        info, f = app.store.open_object(_need(req, "bucket"), _need(req, "key"))
        if info is None:
            raise ControlError(404, "no such object")
        return ("raw", info, f)
    if route == "corrupt" and m == "POST":
        offset = req.q.get("offset")
        try:
            offset = None if offset in (None, "") else int(offset)
        except ValueError:
            raise ControlError(400, "offset must be an integer")
        done = app.store.corrupt(_need(req, "bucket"), _need(req, "key"), offset)
        return {"ok": True, "offset": done}
    if route == "requests":
        if m == "GET":
            try:
                since = int(req.q.get("since", "0") or 0)
            except ValueError:
                raise ControlError(400, "since must be an integer")
            app.log.settle()  # include requests answered but not yet recorded
            return app.log.entries(since, req.q.get("operation"), req.q.get("bucket"), req.q.get("key"))
        if m == "DELETE":
            app.log.clear()
            return {"ok": True}
    if route == "buckets":
        if m == "GET":
            return [{"name": b.name, "jurisdiction": b.jurisdiction, "objects": len(b.objects),
                     "startup": b.startup} for b in app.store.buckets()]
        if m == "POST":
            spec = _json(body)
            app.store.add_bucket(Bucket.from_json(spec))
            return {"ok": True}
    if route == "credentials":
        if m == "GET":
            return [c.to_json() for c in app.config.credentials.values()]
        if m == "POST":
            cred = Credential.from_json(_json(body))
            app.config.add_credential(cred)
            return cred.to_json()
    raise ControlError(404, f"no control endpoint {m} /__fake__/{route}")


def _set_initiated(app, spec):
    """Backdates an upload: {"upload_id": ID, "initiated": unix seconds} or
    {"upload_id": ID, "age_seconds": N} (initiated N seconds before now)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("upload_id"), str):
        raise ControlError(400, "body must be {\"upload_id\": ..., \"initiated\" or \"age_seconds\": ...}")
    when = spec.get("initiated")
    age = spec.get("age_seconds")
    if (when is None) == (age is None) or isinstance(when, bool) or isinstance(age, bool):
        raise ControlError(400, "give exactly one of initiated (unix seconds) and age_seconds")
    try:
        initiated = float(when) if when is not None else time.time() - float(age)
    except (TypeError, ValueError):
        raise ControlError(400, "initiated / age_seconds must be numbers")
    return app.store.set_upload_initiated(spec["upload_id"], initiated).to_json(with_parts=False)

