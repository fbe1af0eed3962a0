"""Configuration: credentials (API tokens), buckets and runtime settings.

Sources, later ones overriding earlier ones:
  1. built-in defaults (DEFAULT_SETTINGS),
  2. the JSON file given with --config,
  3. command-line flags.
Settings can also be changed while running through the control API
(``/__fake__/settings``); ``/__fake__/reset`` restores the startup values.
"""

import copy
import json
import re
import threading

MiB = 1024 * 1024
GiB = 1024 * MiB

# Used when no credential is configured at all (documented in README.md).
DEFAULT_ACCESS_KEY_ID = "r2fakeadmin000000000000000000000"  # 32 characters
DEFAULT_SECRET_ACCESS_KEY = "6b9f0e2d1c3a4b5e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a"  # 64 hex

DEFAULT_SETTINGS = {
    # Multipart rules.
    "min_part_size": 5 * MiB,          # non-trailing parts must be at least this big
    "max_part_size": 5 * GiB,
    "max_parts": 10000,
    # Single PUT limit: 5 GiB - 5 MiB.
    "max_put_size": 5 * GiB - 5 * MiB,
    # CopyObject source limit (S3's 5 GiB; larger objects need UploadPartCopy).
    "max_copy_size": 5 * GiB,
    # "one write per second to the same key" (429 SlowDown); off by default.
    "enforce_write_rate": False,
    "write_rate_interval_ms": 1000,
    # Make Content-MD5 mandatory on PutObject/UploadPart (R2 does not; tests may).
    "require_content_md5": False,
    # SigV4 clock check.
    "max_skew_seconds": 900,
    # Added to the server's clock (simulates a client whose clock is off).
    "clock_offset_seconds": 0,
    # x-amz-checksum-* / x-amz-sdk-checksum-algorithm: "reject" (501, like older
    # R2) or "accept" (ignored, not verified).
    "checksum_headers": "reject",
    # S3 refuses x-amz-* headers that are present but not signed (R2: unconfirmed).
    "require_signed_amz_headers": True,
    "max_metadata_size": 8192,
    "max_key_length": 1024,
    # Which jurisdiction this endpoint plays when the Host header does not say.
    "jurisdiction": "default",
    # Unread request bodies up to this size are drained after an early error
    # to keep the connection; bigger ones make the server close it.
    "drain_limit": 64 * MiB,
    # GET ?lifecycle of a bucket without a configuration answers R2's default rule (abort
    # incomplete multipart uploads after 7 days) instead of 404 NoSuchLifecycleConfiguration.
    "r2_default_lifecycle": False,
}

SETTING_TYPES = {
    "min_part_size": int, "max_part_size": int, "max_parts": int, "max_put_size": int, "max_copy_size": int,
    "enforce_write_rate": bool, "write_rate_interval_ms": int, "require_content_md5": bool,
    "max_skew_seconds": int, "clock_offset_seconds": float, "checksum_headers": str,
    "require_signed_amz_headers": bool, "max_metadata_size": int, "max_key_length": int,
    "jurisdiction": str, "drain_limit": int, "r2_default_lifecycle": bool,
}

SIZE_SETTINGS = {"min_part_size", "max_part_size", "max_put_size", "max_copy_size", "max_metadata_size", "drain_limit"}

JURISDICTIONS = ("default", "eu", "fedramp")


class ConfigError(ValueError):
    pass


def parse_size(text):
    """'5MiB', '5M', '5242880', '1GiB', '512k' -> bytes."""
    if isinstance(text, bool):
        raise ConfigError(f"invalid size: {text!r}")
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgGtT]?)(i?[bB])?\s*", str(text))
    if not m:
        raise ConfigError(f"invalid size: {text!r}")
    mult = {"": 1, "k": 1024, "m": MiB, "g": GiB, "t": 1024 * GiB}[m.group(2).lower()]
    return int(m.group(1)) * mult


def coerce_setting(name, value):
    if name not in SETTING_TYPES:
        raise ConfigError(f"unknown setting: {name}")
    kind = SETTING_TYPES[name]
    if name in SIZE_SETTINGS:
        return parse_size(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected a boolean, got {value!r}")
    if kind is str:
        value = str(value)
        if name == "checksum_headers" and value not in ("reject", "accept"):
            raise ConfigError("checksum_headers must be 'reject' or 'accept'")
        if name == "jurisdiction" and value not in JURISDICTIONS:
            raise ConfigError(f"jurisdiction must be one of {JURISDICTIONS}")
        return value
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: expected {kind.__name__}, got {value!r}")


class Credential:
    """One R2 API token as seen through the S3 API."""

    def __init__(self, access_key_id, secret_access_key, buckets=None, admin=False,
                 read_only=False):
        if not isinstance(access_key_id, str) or len(access_key_id) != 32:
            raise ConfigError(f"access key id must be 32 characters: {access_key_id!r}")
        if not isinstance(secret_access_key, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", secret_access_key):
            raise ConfigError(f"secret access key of {access_key_id} must be 64 hex characters")
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        # None = every bucket (account-wide token).
        self.buckets = None if buckets is None else set(buckets)
        self.admin = bool(admin)
        self.read_only = bool(read_only)

    def may_access(self, bucket):
        return self.buckets is None or bucket in self.buckets

    def to_json(self):
        return {
            "access_key_id": self.access_key_id,
            "buckets": None if self.buckets is None else sorted(self.buckets),
            "admin": self.admin,
            "read_only": self.read_only,
        }

    @classmethod
    def from_json(cls, obj):
        if not isinstance(obj, dict):
            raise ConfigError(f"credential must be an object: {obj!r}")
        buckets = obj.get("buckets")
        if buckets is not None and not isinstance(buckets, list):
            raise ConfigError("credential 'buckets' must be a list or null")
        permission = obj.get("permission", "read-write")
        if permission not in ("read-write", "read-only"):
            raise ConfigError("credential 'permission' must be 'read-write' or 'read-only'")
        read_only = bool(obj.get("read_only", permission == "read-only"))
        # An account-wide token is an admin token unless told otherwise; a
        # bucket-scoped one never is (R2's Object Read & Write tokens).
        admin = obj.get("admin", buckets is None)
        return cls(obj.get("access_key_id"), obj.get("secret_access_key"), buckets, admin, read_only)

    @classmethod
    def from_flag(cls, text):
        """KEY:SECRET[:BUCKETS[:FLAGS]]  BUCKETS = '*' or b1,b2  FLAGS = admin,ro"""
        parts = text.split(":")
        if len(parts) < 2 or len(parts) > 4:
            raise ConfigError(f"--credential expects KEY:SECRET[:BUCKETS[:FLAGS]], got {text!r}")
        buckets = None
        if len(parts) >= 3 and parts[2] not in ("", "*"):
            buckets = [b for b in parts[2].split(",") if b]
        flags = set(parts[3].split(",")) if len(parts) == 4 else set()
        unknown = flags - {"admin", "ro", "rw", ""}
        if unknown:
            raise ConfigError(f"unknown credential flags {sorted(unknown)}")
        admin = "admin" in flags or (buckets is None and len(parts) < 4)
        return cls(parts[0], parts[1], buckets, admin, "ro" in flags)


class Bucket:
    def __init__(self, name, jurisdiction="default", created=None):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", name or ""):
            raise ConfigError(f"invalid bucket name {name!r} (R2: 3-63 chars of a-z 0-9 -)")
        if jurisdiction not in JURISDICTIONS:
            raise ConfigError(f"jurisdiction must be one of {JURISDICTIONS}")
        self.name = name
        self.jurisdiction = jurisdiction
        self.created = created

    @classmethod
    def from_json(cls, obj):
        if isinstance(obj, str):
            name, _, jur = obj.partition(":")
            return cls(name, jur or "default")
        if isinstance(obj, dict):
            return cls(obj.get("name"), obj.get("jurisdiction", "default"))
        raise ConfigError(f"bucket must be a name or an object: {obj!r}")


class Config:
    """Startup configuration plus the live, mutable settings."""

    def __init__(self):
        self.credentials = {}          # access key id -> Credential
        self.buckets = []              # [Bucket] configured at startup
        self.startup_settings = dict(DEFAULT_SETTINGS)
        self._settings = dict(DEFAULT_SETTINGS)
        self._lock = threading.Lock()
        self._startup_credentials = {}

    # -- settings -----------------------------------------------------------
    def setting(self, name):
        return self._settings[name]

    def settings(self):
        with self._lock:
            return dict(self._settings)

    def update_settings(self, changes):
        coerced = {k: coerce_setting(k, v) for k, v in changes.items()}
        with self._lock:
            self._settings.update(coerced)
            return dict(self._settings)

    def set_startup_setting(self, name, value):
        value = coerce_setting(name, value)
        self.startup_settings[name] = value
        self._settings[name] = value

    # -- credentials ----------------------------------------------------------
    def add_credential(self, cred, startup=False):
        with self._lock:
            self.credentials[cred.access_key_id] = cred
            if startup:
                self._startup_credentials[cred.access_key_id] = cred

    def credential(self, access_key_id):
        with self._lock:
            return self.credentials.get(access_key_id)

    def reset(self):
        with self._lock:
            self._settings = dict(self.startup_settings)
            self.credentials = dict(self._startup_credentials)

    # -- loading ----------------------------------------------------------------
    def load_json_file(self, path):
        with open(path, "r", encoding="utf-8") as f:
            try:
                obj = json.load(f)
            except json.JSONDecodeError as e:
                raise ConfigError(f"{path}: {e}")
        self.load_json(obj)

    def load_json(self, obj):
        if not isinstance(obj, dict):
            raise ConfigError("config must be a JSON object")
        unknown = set(obj) - {"credentials", "buckets", "settings"}
        if unknown:
            raise ConfigError(f"unknown config keys: {sorted(unknown)}")
        for c in obj.get("credentials", []):
            self.add_credential(Credential.from_json(c), startup=True)
        for b in obj.get("buckets", []):
            self.buckets.append(Bucket.from_json(b))
        for k, v in obj.get("settings", {}).items():
            self.set_startup_setting(k, v)

    def ensure_default_credential(self):
        if not self.credentials:
            self.add_credential(Credential(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY,
                                           None, True, False), startup=True)

    def describe(self):
        return copy.deepcopy({
            "credentials": [c.to_json() for c in self.credentials.values()],
            "settings": self.settings(),
        })
