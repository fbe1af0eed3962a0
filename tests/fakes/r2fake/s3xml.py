"""XML bodies of S3 responses, and parsing of the CompleteMultipartUpload body."""

import time
import xml.etree.ElementTree as ET
from urllib.parse import quote
from xml.sax.saxutils import escape

from errors import S3Error

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
OWNER = "<Owner><ID>r2fake</ID><DisplayName>r2fake</DisplayName></Owner>"


def iso8601(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % int((ts % 1) * 1000)


def _el(name, value):
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


def _doc(root, inner):
    return (HEADER + f'<{root} xmlns="{NS}">' + "".join(inner) + f"</{root}>").encode("utf-8")


def encoder(encoding_type):
    if encoding_type is None:
        return lambda s: s
    if encoding_type != "url":
        raise S3Error(400, "InvalidArgument", "Invalid Encoding Method specified in Request",
                      ArgumentName="encoding-type", ArgumentValue=encoding_type)
    return lambda s: None if s is None else quote(s, safe="/")


def list_buckets(buckets):
    items = ["<Bucket>" + _el("Name", b.name) + _el("CreationDate", iso8601(b.created)) + "</Bucket>"
             for b in buckets]
    return _doc("ListAllMyBucketsResult", ["<Buckets>"] + items + ["</Buckets>", OWNER])


def location(region="auto"):
    return (HEADER + f'<LocationConstraint xmlns="{NS}">{escape(region)}</LocationConstraint>').encode()


def _contents(obj, enc):
    return ("<Contents>" + _el("Key", enc(obj.key)) + _el("LastModified", iso8601(obj.last_modified))
            + _el("ETag", f'"{obj.etag}"') + _el("Size", obj.size)
            + _el("StorageClass", obj.storage_class) + "</Contents>")


def list_objects_v2(bucket, prefix, delimiter, max_keys, start_after, token, next_token,
                    truncated, objects, common_prefixes, encoding_type):
    enc = encoder(encoding_type)
    inner = [_el("Name", bucket), _el("Prefix", enc(prefix or "")), _el("MaxKeys", max_keys),
             _el("KeyCount", len(objects) + len(common_prefixes)), _el("IsTruncated", truncated)]
    if delimiter:
        inner.append(_el("Delimiter", enc(delimiter)))
    if encoding_type:
        inner.append(_el("EncodingType", encoding_type))
    if token is not None:
        inner.append(_el("ContinuationToken", token))
    if next_token is not None:
        inner.append(_el("NextContinuationToken", next_token))
    if start_after:
        inner.append(_el("StartAfter", enc(start_after)))
    inner += [_contents(o, enc) for o in objects]
    inner += ["<CommonPrefixes>" + _el("Prefix", enc(p)) + "</CommonPrefixes>" for p in common_prefixes]
    return _doc("ListBucketResult", inner)


def list_objects_v1(bucket, prefix, delimiter, max_keys, marker, next_marker, truncated,
                    objects, common_prefixes, encoding_type):
    enc = encoder(encoding_type)
    inner = [_el("Name", bucket), _el("Prefix", enc(prefix or "")), _el("Marker", enc(marker or "")),
             _el("MaxKeys", max_keys), _el("IsTruncated", truncated)]
    if delimiter:
        inner.append(_el("Delimiter", enc(delimiter)))
    if next_marker is not None:
        inner.append(_el("NextMarker", enc(next_marker)))
    if encoding_type:
        inner.append(_el("EncodingType", encoding_type))
    inner += [_contents(o, enc) for o in objects]
    inner += ["<CommonPrefixes>" + _el("Prefix", enc(p)) + "</CommonPrefixes>" for p in common_prefixes]
    return _doc("ListBucketResult", inner)


def initiate_multipart(bucket, key, upload_id):
    return _doc("InitiateMultipartUploadResult",
                [_el("Bucket", bucket), _el("Key", key), _el("UploadId", upload_id)])


def complete_multipart(location_url, bucket, key, etag):
    return _doc("CompleteMultipartUploadResult",
                [_el("Location", location_url), _el("Bucket", bucket), _el("Key", key),
                 _el("ETag", f'"{etag}"')])


def copy_result(root, etag, last_modified):
    """<CopyObjectResult> (CopyObject) or <CopyPartResult> (UploadPartCopy)."""
    return _doc(root, [_el("ETag", f'"{etag}"'), _el("LastModified", iso8601(last_modified))])


def list_multipart_uploads(bucket, prefix, key_marker, upload_id_marker, max_uploads,
                           uploads, truncated, encoding_type):
    enc = encoder(encoding_type)
    inner = [_el("Bucket", bucket), _el("KeyMarker", enc(key_marker or "")),
             _el("UploadIdMarker", upload_id_marker or ""), _el("Prefix", enc(prefix or "")),
             _el("MaxUploads", max_uploads), _el("IsTruncated", truncated)]
    if encoding_type:
        inner.append(_el("EncodingType", encoding_type))
    if truncated and uploads:
        inner.append(_el("NextKeyMarker", enc(uploads[-1].key)))
        inner.append(_el("NextUploadIdMarker", uploads[-1].upload_id))
    for u in uploads:
        inner.append("<Upload>" + _el("Key", enc(u.key)) + _el("UploadId", u.upload_id)
                     + "<Initiator><ID>r2fake</ID><DisplayName>r2fake</DisplayName></Initiator>"
                     + OWNER + _el("StorageClass", u.storage_class)
                     + _el("Initiated", iso8601(u.initiated)) + "</Upload>")
    return _doc("ListMultipartUploadsResult", inner)


def list_parts(bucket, key, upload, parts, marker, max_parts, truncated):
    inner = [_el("Bucket", bucket), _el("Key", key), _el("UploadId", upload.upload_id),
             _el("PartNumberMarker", marker), _el("MaxParts", max_parts), _el("IsTruncated", truncated)]
    if truncated and parts:
        inner.append(_el("NextPartNumberMarker", parts[-1].number))
    inner += ["<Initiator><ID>r2fake</ID><DisplayName>r2fake</DisplayName></Initiator>", OWNER,
              _el("StorageClass", upload.storage_class)]
    for p in parts:
        inner.append("<Part>" + _el("PartNumber", p.number) + _el("LastModified", iso8601(p.last_modified))
                     + _el("ETag", f'"{p.md5_hex}"') + _el("Size", p.size) + "</Part>")
    return _doc("ListPartsResult", inner)


def delete_result(deleted, errors):
    """<DeleteResult>: deleted keys, then (key, code, message) failures."""
    inner = ["<Deleted>" + _el("Key", k) + "</Deleted>" for k in deleted]
    inner += ["<Error>" + _el("Key", k) + _el("Code", c) + _el("Message", m) + "</Error>"
              for k, c, m in errors]
    return _doc("DeleteResult", inner)


def lifecycle_document(rules_xml):
    """A <LifecycleConfiguration> around already rendered <Rule> elements."""
    return _doc("LifecycleConfiguration", rules_xml)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_complete(body):
    """[(part_number, etag)] from a CompleteMultipartUpload body, in order."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise S3Error(400, "MalformedXML")
    if _local(root.tag) != "CompleteMultipartUpload":
        raise S3Error(400, "MalformedXML")
    parts = []
    for part in root:
        if _local(part.tag) != "Part":
            raise S3Error(400, "MalformedXML")
        number = etag = None
        for child in part:
            name = _local(child.tag)
            if name == "PartNumber":
                try:
                    number = int((child.text or "").strip())
                except ValueError:
                    raise S3Error(400, "MalformedXML")
            elif name == "ETag":
                etag = (child.text or "").strip()
        if number is None or etag is None:
            raise S3Error(400, "MalformedXML")
        parts.append((number, etag))
    return parts
