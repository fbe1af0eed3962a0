"""Buckets, objects and multipart uploads: an in-memory index over files.

Bodies never live in memory: they are streamed into a temporary file under
<data-dir>/tmp while being hashed, then renamed into <data-dir>/objects or
<data-dir>/uploads/<upload>/.  Completing a multipart upload concatenates the
part files.  The index itself is not persisted: a restart starts empty (the
data directory's own sub-folders are wiped at startup).
"""

import base64
import hashlib
import os
import shutil
import threading
import time
import uuid

from errors import S3Error

CHUNK = 1024 * 1024
SUBDIRS = ("objects", "uploads", "tmp")


class Blob:
    """A body received into a temporary file."""

    def __init__(self, path, size, md5, sha256_hex):
        self.path = path
        self.size = size
        self.md5 = md5                  # 16 raw bytes
        self.sha256_hex = sha256_hex    # None when not computed

    def discard(self):
        if self.path:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            self.path = None


class ObjectInfo:
    def __init__(self, bucket, key, size, etag, headers, metadata, storage_class,
                 ssec_key_md5, path, part_sizes=None):
        self.bucket = bucket
        self.key = key
        self.size = size
        self.etag = etag                  # without quotes: md5 hex, or md5hex-N
        self.last_modified = time.time()
        self.headers = headers            # stored standard headers (content-type, ...)
        self.metadata = metadata          # user metadata, names without x-amz-meta-
        self.storage_class = storage_class
        self.ssec_key_md5 = ssec_key_md5
        self.path = path
        self.part_sizes = part_sizes      # list for multipart objects

    def to_json(self):
        return {
            "bucket": self.bucket, "key": self.key, "size": self.size, "etag": self.etag,
            "last_modified": self.last_modified, "content_type": self.headers.get("content-type"),
            "headers": dict(self.headers), "metadata": dict(self.metadata),
            "storage_class": self.storage_class, "sse_c_key_md5": self.ssec_key_md5,
            "multipart": self.part_sizes is not None,
            "part_sizes": self.part_sizes, "path": self.path,
        }


class Part:
    def __init__(self, number, size, md5_hex, path):
        self.number = number
        self.size = size
        self.md5_hex = md5_hex
        self.path = path
        self.last_modified = time.time()

    def to_json(self):
        return {"part_number": self.number, "size": self.size, "etag": self.md5_hex,
                "last_modified": self.last_modified}


class Upload:
    def __init__(self, upload_id, bucket, key, headers, metadata, storage_class, ssec_key_md5, directory):
        self.upload_id = upload_id
        self.bucket = bucket
        self.key = key
        self.initiated = time.time()
        self.headers = headers
        self.metadata = metadata
        self.storage_class = storage_class
        self.ssec_key_md5 = ssec_key_md5
        self.directory = directory
        self.parts = {}

    def to_json(self, with_parts=True):
        out = {"bucket": self.bucket, "key": self.key, "upload_id": self.upload_id,
               "initiated": self.initiated, "storage_class": self.storage_class,
               "sse_c": self.ssec_key_md5 is not None, "metadata": dict(self.metadata)}
        if with_parts:
            out["parts"] = [self.parts[n].to_json() for n in sorted(self.parts)]
        return out


class BucketState:
    def __init__(self, bucket, startup):
        self.name = bucket.name
        self.jurisdiction = bucket.jurisdiction
        self.created = bucket.created or time.time()
        self.startup = startup
        self.objects = {}
        self.lifecycle = None     # the validated PutBucketLifecycleConfiguration body, or None


def new_upload_id():
    """A long base64 id that always contains '+', '/' and '=' (like R2's)."""
    while True:
        raw = os.urandom(100)   # 100 bytes -> 136 chars ending in '=='
        text = base64.b64encode(raw).decode()
        if "+" in text and "/" in text:
            return text


class Store:
    def __init__(self, data_dir, buckets):
        self.data_dir = os.path.abspath(data_dir)
        self._lock = threading.RLock()
        self._startup_buckets = list(buckets)
        self._buckets = {}
        self._uploads = {}
        self._wipe_dirs()
        for b in self._startup_buckets:
            self._buckets[b.name] = BucketState(b, True)

    # -- files ----------------------------------------------------------------
    def _dir(self, name):
        return os.path.join(self.data_dir, name)

    def _wipe_dirs(self):
        os.makedirs(self.data_dir, exist_ok=True)
        for sub in SUBDIRS:
            shutil.rmtree(self._dir(sub), ignore_errors=True)
            os.makedirs(self._dir(sub), exist_ok=True)

    def _new_path(self, sub):
        return os.path.join(self._dir(sub), uuid.uuid4().hex)

    def receive(self, chunks, want_sha256):
        """Stream an iterable of byte chunks into a temporary file, hashing it."""
        path = self._new_path("tmp")
        md5 = hashlib.md5()
        sha = hashlib.sha256() if want_sha256 else None
        size = 0
        try:
            with open(path, "wb", buffering=0) as f:
                for chunk in chunks:
                    md5.update(chunk)
                    if sha is not None:
                        sha.update(chunk)
                    _write_all(f, chunk)
                    size += len(chunk)
        except BaseException:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            raise
        return Blob(path, size, md5.digest(), sha.hexdigest() if sha else None)

    # -- buckets ---------------------------------------------------------------
    def bucket(self, name):
        with self._lock:
            return self._buckets.get(name)

    def buckets(self):
        with self._lock:
            return sorted(self._buckets.values(), key=lambda b: b.name)

    def add_bucket(self, bucket):
        with self._lock:
            if bucket.name in self._buckets:
                raise S3Error(409, "BucketAlreadyOwnedByYou")
            self._buckets[bucket.name] = BucketState(bucket, False)

    def delete_bucket(self, name):
        with self._lock:
            state = self._buckets.get(name)
            if state is None:
                raise S3Error(404, "NoSuchBucket", BucketName=name)
            if state.objects or any(u.bucket == name for u in self._uploads.values()):
                raise S3Error(409, "BucketNotEmpty", BucketName=name)
            del self._buckets[name]

    def _bucket_or_404(self, name):
        state = self._buckets.get(name)
        if state is None:
            raise S3Error(404, "NoSuchBucket", BucketName=name)
        return state

    # -- objects ---------------------------------------------------------------
    def commit_object(self, info, blob, before_commit=None):
        """Make blob the content of info.bucket/info.key.

        before_commit() runs under the store lock right before the switch
        (the write-rate rule and PUT preconditions use it).
        """
        final = self._new_path("objects")
        os.replace(blob.path, final)
        blob.path = None
        info.path = final
        with self._lock:
            try:
                state = self._bucket_or_404(info.bucket)
                if before_commit is not None:
                    before_commit(state.objects.get(info.key))
            except BaseException:
                os.unlink(final)
                raise
            old = state.objects.get(info.key)
            info.last_modified = time.time()
            state.objects[info.key] = info
        if old is not None:
            _unlink(old.path)
        return info

    def head(self, bucket, key):
        with self._lock:
            return self._bucket_or_404(bucket).objects.get(key)

    def open_object(self, bucket, key):
        """(info, open file) — opened under the lock so a concurrent
        overwrite cannot unlink it first."""
        with self._lock:
            info = self._bucket_or_404(bucket).objects.get(key)
            if info is None:
                return None, None
            return info, open(info.path, "rb")

    def delete_object(self, bucket, key):
        with self._lock:
            info = self._bucket_or_404(bucket).objects.pop(key, None)
        if info is not None:
            _unlink(info.path)
        return info is not None

    def list_objects(self, bucket, prefix=""):
        with self._lock:
            objects = self._bucket_or_404(bucket).objects
            return sorted((o for k, o in objects.items() if k.startswith(prefix)), key=lambda o: o.key)

    def all_objects(self, bucket=None, prefix=""):
        with self._lock:
            out = []
            for state in self._buckets.values():
                if bucket is None or state.name == bucket:
                    out.extend(o for k, o in state.objects.items() if k.startswith(prefix))
            return sorted(out, key=lambda o: (o.bucket, o.key))

    def corrupt(self, bucket, key, offset=None):
        with self._lock:
            info = self._bucket_or_404(bucket).objects.get(key)
            if info is None:
                raise S3Error(404, "NoSuchKey", Key=key)
            if info.size == 0:
                raise S3Error(400, "InvalidRequest", "cannot corrupt an empty object")
            if offset is None:
                offset = info.size // 2
            if not 0 <= offset < info.size:
                raise S3Error(400, "InvalidRequest", f"offset must be in [0, {info.size})")
            with open(info.path, "r+b") as f:
                f.seek(offset)
                b = f.read(1)
                f.seek(offset)
                f.write(bytes([b[0] ^ 0xFF]))
            return offset

    def copy_range(self, bucket, key, check):
        """(info, Blob) of a range of bucket/key, md5 computed.

        check(info) runs under the lock on the object as it is (None when missing), may raise,
        and returns the (start, length) to copy; the file is opened under the lock so a
        concurrent overwrite cannot unlink it first.
        """
        with self._lock:
            info = self._bucket_or_404(bucket).objects.get(key)
            start, length = check(info)
            f = open(info.path, "rb")
        with f:
            f.seek(start)
            return info, self.receive(_read_chunks(f, length), want_sha256=False)

    # -- multipart -------------------------------------------------------------
    def create_upload(self, bucket, key, headers, metadata, storage_class, ssec_key_md5):
        with self._lock:
            self._bucket_or_404(bucket)
            upload_id = new_upload_id()
            directory = self._new_path("uploads")
            os.makedirs(directory)
            up = Upload(upload_id, bucket, key, headers, metadata, storage_class, ssec_key_md5, directory)
            self._uploads[upload_id] = up
            return up

    def upload(self, upload_id, bucket, key):
        with self._lock:
            up = self._uploads.get(upload_id)
            if up is None or up.bucket != bucket or up.key != key:
                raise S3Error(404, "NoSuchUpload", UploadId=upload_id)
            return up

    def put_part(self, upload_id, bucket, key, number, blob):
        with self._lock:
            up = self._uploads.get(upload_id)
            if up is None or up.bucket != bucket or up.key != key:
                blob.discard()
                raise S3Error(404, "NoSuchUpload", UploadId=upload_id)
            path = os.path.join(up.directory, f"{number}-{uuid.uuid4().hex}")
            os.replace(blob.path, path)
            blob.path = None
            part = Part(number, blob.size, blob.md5.hex(), path)
            old = up.parts.get(number)
            up.parts[number] = part
        if old is not None:
            _unlink(old.path)
        return part

    def take_upload(self, upload_id, bucket, key, validate):
        """Validate and detach an upload for completion.

        validate(upload) runs under the lock and returns the parts to keep;
        the upload is removed so parallel UploadPart calls get NoSuchUpload.
        """
        with self._lock:
            up = self._uploads.get(upload_id)
            if up is None or up.bucket != bucket or up.key != key:
                raise S3Error(404, "NoSuchUpload", UploadId=upload_id)
            chosen = validate(up)
            del self._uploads[upload_id]
            return up, chosen

    def restore_upload(self, up):
        with self._lock:
            self._uploads[up.upload_id] = up

    def assemble(self, up, part_numbers):
        """Concatenate the chosen parts into a temporary Blob (md5 not computed)."""
        path = self._new_path("tmp")
        size = 0
        with open(path, "wb", buffering=0) as out:
            for n in part_numbers:
                with open(up.parts[n].path, "rb", buffering=0) as src:
                    size += _copy(src, out)
        return Blob(path, size, None, None)

    def discard_upload_files(self, up):
        shutil.rmtree(up.directory, ignore_errors=True)

    def abort(self, upload_id, bucket=None, key=None):
        with self._lock:
            up = self._uploads.get(upload_id)
            if up is None or (bucket is not None and (up.bucket != bucket or up.key != key)):
                raise S3Error(404, "NoSuchUpload", UploadId=upload_id)
            del self._uploads[upload_id]
        self.discard_upload_files(up)
        return up

    def set_upload_initiated(self, upload_id, initiated):
        """Backdate (or move) an upload's initiation time, to make it look stale."""
        with self._lock:
            up = self._uploads.get(upload_id)
            if up is None:
                raise S3Error(404, "NoSuchUpload", UploadId=upload_id)
            up.initiated = float(initiated)
            return up

    def uploads(self, bucket=None):
        with self._lock:
            ups = [u for u in self._uploads.values() if bucket is None or u.bucket == bucket]
            return sorted(ups, key=lambda u: (u.bucket, u.key, u.initiated))

    # -- lifecycle configuration ----------------------------------------------------
    def lifecycle(self, bucket):
        with self._lock:
            return self._bucket_or_404(bucket).lifecycle

    def set_lifecycle(self, bucket, xml):
        """Store a validated configuration body; None removes it."""
        with self._lock:
            self._bucket_or_404(bucket).lifecycle = xml

    # -- whole state -----------------------------------------------------------
    def reset(self):
        with self._lock:
            self._uploads.clear()
            self._buckets = {b.name: BucketState(b, True) for b in self._startup_buckets}
            self._wipe_dirs()


def _copy(src, dst):
    total = 0
    try:
        # In-kernel copy where the platform has it.
        while True:
            n = os.copy_file_range(src.fileno(), dst.fileno(), 64 * CHUNK)
            if n == 0:
                return total
            total += n
    except (AttributeError, OSError):
        pass
    while True:
        buf = src.read(CHUNK)
        if not buf:
            return total
        _write_all(dst, buf)
        total += len(buf)


def _read_chunks(f, length):
    while length > 0:
        buf = f.read(min(CHUNK, length))
        if not buf:
            raise OSError("object file shorter than recorded")
        length -= len(buf)
        yield buf


def _write_all(raw, data):
    view = memoryview(data)
    while view:
        view = view[raw.write(view):]


def _unlink(path):
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
