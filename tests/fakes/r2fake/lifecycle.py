"""Bucket lifecycle configuration (GET/PUT/DELETE /<bucket>?lifecycle):
validating a configuration as S3 does (pure; the operations are in
bucket_ops.py).

PUT needs Content-MD5 (400 InvalidRequest without it) and a valid document,
which is stored byte for byte and returned by GET. Validation (S3's codes):
  not XML, another root, no <Rule>, more than 1000 rules, an unknown element,
  a repeated single element, Status missing or not Enabled/Disabled, both
  <Prefix> and <Filter> in a rule, a <Filter> with more than one condition,
  an <Expiration> without exactly one of Days/Date/ExpiredObjectDeleteMarker
                                              -> 400 MalformedXML
  no <ID> (S3 would make one up; the fake is strict), an ID over 255
  characters, the same ID twice, Days / DaysAfterInitiation not a positive
  integer                                     -> 400 InvalidArgument
  a rule without any action                   -> 400 InvalidRequest
  a Transition to another class than STANDARD_IA (R2's only other class)
                                              -> 400 InvalidStorageClass
GET of a bucket without a configuration: 404 NoSuchLifecycleConfiguration,
unless the `r2_default_lifecycle` setting is on: then R2's default rule
("Default Multipart Abort Rule", aborting incomplete multipart uploads after 7
days; its exact XML from R2 is unconfirmed) is returned instead. DELETE
removes the stored configuration (204, also when there was none). Rules are
stored, not applied: nothing expires by itself.
"""

import xml.etree.ElementTree as ET

import s3xml
from errors import S3Error

MAX_RULES = 1000
MAX_ID_LENGTH = 255
ACTIONS = ("Expiration", "Transition", "AbortIncompleteMultipartUpload",
           "NoncurrentVersionExpiration", "NoncurrentVersionTransition")
RULE_ELEMENTS = ("ID", "Prefix", "Filter", "Status") + ACTIONS
REPEATABLE = ("Transition", "NoncurrentVersionTransition")
FILTER_CONDITIONS = ("Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan")

R2_DEFAULT_RULE = s3xml.lifecycle_document([
    "<Rule><ID>Default Multipart Abort Rule</ID><Filter><Prefix></Prefix></Filter>"
    "<Status>Enabled</Status><AbortIncompleteMultipartUpload>"
    "<DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"])


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _malformed():
    return S3Error(400, "MalformedXML")


def _positive_days(element, what):
    text = (element.text or "").strip() if element is not None else ""
    if not text.isdigit() or int(text) < 1:
        raise S3Error(400, "InvalidArgument", f"'{what}' for the action must be a positive integer",
                      ArgumentName=what, ArgumentValue=text)


def _fields(element, allowed, repeatable=()):
    """{local name: [children]}; MalformedXML for unknown or repeated elements."""
    fields = {}
    for child in element:
        name = _local(child.tag)
        if name not in allowed:
            raise _malformed()
        fields.setdefault(name, []).append(child)
        if len(fields[name]) > 1 and name not in repeatable:
            raise _malformed()
    return fields


def _check_filter(element):
    fields = _fields(element, FILTER_CONDITIONS, repeatable=())
    if len(fields) > 1:
        raise _malformed()
    if "And" in fields:
        _fields(fields["And"][0], ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan"),
                repeatable=("Tag",))


def _check_expiration(element):
    fields = _fields(element, ("Days", "Date", "ExpiredObjectDeleteMarker"))
    if len(fields) != 1:
        raise _malformed()
    if "Days" in fields:
        _positive_days(fields["Days"][0], "Days")


def _check_rule(rule, ids):
    fields = _fields(rule, RULE_ELEMENTS, REPEATABLE)
    rule_id = (fields["ID"][0].text or "") if "ID" in fields else ""
    if not rule_id:
        raise S3Error(400, "InvalidArgument", "Rule ID is required", ArgumentName="ID")
    if len(rule_id) > MAX_ID_LENGTH:
        raise S3Error(400, "InvalidArgument", "ID length should not exceed allowed limit of 255",
                      ArgumentName="ID", ArgumentValue=rule_id)
    if rule_id in ids:
        raise S3Error(400, "InvalidArgument",
                      "Rule ID must be unique. Found same ID for more than one rule",
                      ArgumentName="ID", ArgumentValue=rule_id)
    ids.add(rule_id)
    status = (fields["Status"][0].text or "").strip() if "Status" in fields else None
    if status not in ("Enabled", "Disabled"):
        raise _malformed()
    if "Prefix" in fields and "Filter" in fields:
        raise _malformed()
    if "Filter" in fields:
        _check_filter(fields["Filter"][0])
    if not any(action in fields for action in ACTIONS):
        raise S3Error(400, "InvalidRequest", "At least one action needs to be specified in a rule")
    if "Expiration" in fields:
        _check_expiration(fields["Expiration"][0])
    if "AbortIncompleteMultipartUpload" in fields:
        abort = _fields(fields["AbortIncompleteMultipartUpload"][0], ("DaysAfterInitiation",))
        _positive_days((abort.get("DaysAfterInitiation") or [None])[0], "DaysAfterInitiation")
    for transition in fields.get("Transition", []):
        parts = _fields(transition, ("Days", "Date", "StorageClass"))
        storage_class = (parts.get("StorageClass") or [None])[0]
        if storage_class is None or (storage_class.text or "").strip() != "STANDARD_IA":
            raise S3Error(400, "InvalidStorageClass")
        if "Days" in parts:
            _positive_days(parts["Days"][0], "Days")


def validate(body):
    """Raise S3Error unless `body` is a configuration S3 would accept."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise _malformed()
    if _local(root.tag) != "LifecycleConfiguration":
        raise _malformed()
    rules = _fields(root, ("Rule",), repeatable=("Rule",)).get("Rule", [])
    if not rules or len(rules) > MAX_RULES:
        raise _malformed()
    ids = set()
    for rule in rules:
        _check_rule(rule, ids)
