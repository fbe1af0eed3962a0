"""DeleteObjects (POST /<bucket>?delete): parsing the request body (pure; the
operation is in bucket_ops.py).

S3's rules: Content-MD5 is required (400 InvalidRequest without it, BadDigest
when it does not match); the body is <Delete> with an optional <Quiet> and 1 to
1000 <Object><Key> entries, else 400 MalformedXML. A missing key counts as
deleted. Quiet mode lists only the failures. A `key_error` fault rule turns the
keys it matches into <Error> entries (nothing is deleted for them).
"""

import xml.etree.ElementTree as ET

from errors import S3Error

MAX_KEYS = 1000


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_delete(body):
    """(quiet, [keys]) from a DeleteObjects body."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise S3Error(400, "MalformedXML")
    if _local(root.tag) != "Delete":
        raise S3Error(400, "MalformedXML")
    quiet, keys = False, []
    for child in root:
        name = _local(child.tag)
        if name == "Quiet":
            text = (child.text or "").strip().lower()
            if text not in ("true", "false"):
                raise S3Error(400, "MalformedXML")
            quiet = text == "true"
        elif name == "Object":
            key = None
            for field in child:
                if _local(field.tag) == "Key":
                    key = field.text or ""
                elif _local(field.tag) != "VersionId":
                    raise S3Error(400, "MalformedXML")
            if not key:
                raise S3Error(400, "MalformedXML")
            keys.append(key)
        else:
            raise S3Error(400, "MalformedXML")
    if not keys or len(keys) > MAX_KEYS:
        raise S3Error(400, "MalformedXML")
    return quiet, keys
