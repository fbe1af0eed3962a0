#!/usr/bin/python3
"""r2fake: a strict fake of Cloudflare R2's S3 API for tests.

    /usr/bin/python3 server.py --port 0 --port-file /tmp/r2.port \\
        --data-dir /tmp/r2data --config r2fake.json

When ready, the bound port is written to --port-file (atomically) and printed
as the first line of standard output.  SIGTERM or SIGINT stops it cleanly
(exit status 0).  See README.md for everything else.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from app import App  # noqa: E402
from config import Bucket, Config, ConfigError, Credential  # noqa: E402
from handler import R2Handler  # noqa: E402


class R2Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app, idle_timeout):
        self.app = app
        self.idle_timeout = idle_timeout
        super().__init__(address, R2Handler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="r2fake", description="Strict fake of Cloudflare R2 (S3 API)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port, 0 = pick a free one (default)")
    p.add_argument("--port-file", help="write the bound port here once ready")
    p.add_argument("--data-dir", help="where objects and parts live (default: a temporary "
                                      "directory removed at exit)")
    p.add_argument("--config", help="JSON config file: credentials, buckets, settings")
    p.add_argument("--credential", action="append", default=[], metavar="KEY:SECRET[:BUCKETS[:FLAGS]]",
                   help="add a token; BUCKETS '*' or b1,b2; FLAGS admin,ro (repeatable)")
    p.add_argument("--bucket", action="append", default=[], metavar="NAME[:JURISDICTION]",
                   help="create a bucket at startup (repeatable)")
    p.add_argument("--min-part-size", help="minimum size of non-trailing parts (default 5MiB)")
    p.add_argument("--max-part-size", help="maximum part size (default 5GiB)")
    p.add_argument("--max-put-size", help="maximum single PUT (default 5GiB-5MiB)")
    p.add_argument("--enforce-write-rate", action="store_true",
                   help="429 SlowDown on a second write to a key within a second")
    p.add_argument("--require-content-md5", action="store_true",
                   help="400 when PutObject/UploadPart lacks Content-MD5")
    p.add_argument("--max-skew-seconds", type=int, help="allowed clock skew (default 900)")
    p.add_argument("--jurisdiction", choices=("default", "eu", "fedramp"),
                   help="jurisdiction this endpoint plays (default 'default')")
    p.add_argument("--idle-timeout", type=float, default=120.0,
                   help="close connections idle this many seconds (default 120)")
    p.add_argument("--log-capacity", type=int, default=10000, help="request log entries kept")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="exit when the parent process goes away")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p.parse_args(argv)


def build_config(args):
    config = Config()
    if args.config:
        config.load_json_file(args.config)
    for text in args.credential:
        config.add_credential(Credential.from_flag(text), startup=True)
    for text in args.bucket:
        config.buckets.append(Bucket.from_json(text))
    names = [b.name for b in config.buckets]
    if len(names) != len(set(names)):
        raise ConfigError("a bucket is configured twice")
    flags = {
        "min_part_size": args.min_part_size, "max_part_size": args.max_part_size,
        "max_put_size": args.max_put_size, "max_skew_seconds": args.max_skew_seconds,
        "jurisdiction": args.jurisdiction,
        "enforce_write_rate": True if args.enforce_write_rate else None,
        "require_content_md5": True if args.require_content_md5 else None,
    }
    for name, value in flags.items():
        if value is not None:
            config.set_startup_setting(name, value)
    config.ensure_default_credential()
    return config


def write_port_file(path, port):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".r2fake-port-", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def watch_parent(server):
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            server.shutdown()
            return


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        config = build_config(args)
    except (ConfigError, OSError) as e:
        print(f"r2fake: configuration error: {e}", file=sys.stderr)
        return 2

    temp_dir = None
    data_dir = args.data_dir
    if not data_dir:
        temp_dir = data_dir = tempfile.mkdtemp(prefix="r2fake-")
    app = App(config, data_dir, verbose=args.verbose, log_capacity=args.log_capacity)
    try:
        server = R2Server((args.host, args.port), app, args.idle_timeout)
    except OSError as e:
        print(f"r2fake: cannot bind {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2
    port = server.server_address[1]

    def stop(signum, frame):
        # shutdown() waits for serve_forever to return: never call it on the
        # thread that runs serve_forever.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(server,), daemon=True).start()

    if args.port_file:
        write_port_file(args.port_file, port)
    print(port, flush=True)
    if args.verbose:
        print(f"r2fake: listening on http://{args.host}:{port}, data in {data_dir}", file=sys.stderr)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
