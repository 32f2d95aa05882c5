"""Reference entries: artifact paths that point at bytes stored elsewhere (R7.2).

``resolve(uri, name, checksum, max_objects)`` turns a URI into manifest entries and
``fetch(entry, dest)`` copies a reference's bytes to a local file, checking they still match.

* ``file://`` — a file or a folder; digest = base64 MD5 of the bytes (``checksum=False``: the URI).
* ``s3://bucket/key`` — boto3, endpoint from ``CAIRN_S3_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL``;
  an object gives one entry (digest = its ETag), otherwise the key is a prefix and every object
  under it (up to ``max_objects``) becomes an entry at its path relative to the prefix.
* ``http(s)://`` — a HEAD request (GET if HEAD is refused) for ETag and size.

Any other scheme is stored unchecked with ``checksum=False`` and refused otherwise. An
unreachable URI raises ``CommError`` naming it; nothing is added.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from cairn.artifacts.manifest import Entry, hash_file, walk_files
from cairn.sdk.errors import CommError

DEFAULT_MAX_OBJECTS = 10_000


def resolve(uri: str, name: str | None, checksum: bool, max_objects: int | None) -> list[Entry]:
    """Manifest entries for ``uri``. Raises ``ValueError`` (bad URI, too many objects) or
    ``CommError`` (the target cannot be reached)."""
    if not isinstance(uri, str) or "://" not in uri:
        raise ValueError(f"reference must be a URI such as file:///path or s3://bucket/key, got {uri!r}")
    limit = DEFAULT_MAX_OBJECTS if max_objects is None else int(max_objects)
    scheme = uri.split("://", 1)[0].lower()
    if not checksum:
        return [Entry(name or _basename(uri), uri, None, ref=uri)]
    if scheme == "file":
        return _file_entries(uri, name, limit)
    if scheme == "s3":
        return _s3_entries(uri, name, limit)
    if scheme in ("http", "https"):
        return [_http_entry(uri, name)]
    raise ValueError(f"references with scheme {scheme}:// are not supported with checksum=True: {uri}")


def _basename(uri: str) -> str:
    path = urllib.parse.urlparse(uri).path.rstrip("/")
    return posixpath.basename(path) or urllib.parse.urlparse(uri).netloc


def _too_many(uri: str, limit: int) -> ValueError:
    return ValueError(f"Exceeded {limit} objects tracked under {uri}; pass a larger max_objects")


# -- file:// ---------------------------------------------------------------------------
def _local_path(uri: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlparse(uri).path)


def _file_entries(uri: str, name: str | None, limit: int) -> list[Entry]:
    path = _local_path(uri)
    if os.path.isfile(path):
        info = hash_file(path)
        return [Entry(name or os.path.basename(path), info.md5_b64, info.size, ref=uri)]
    if not os.path.isdir(path):
        raise ValueError(f"reference {uri} does not exist (no file or folder at {path})")
    files = walk_files(path)
    if len(files) > limit:
        raise _too_many(uri, limit)
    out = []
    base = uri.rstrip("/")
    for full, rel in files:
        info = hash_file(full)
        entry_path = posixpath.join(name, rel) if name else rel
        out.append(Entry(entry_path, info.md5_b64, info.size, ref=f"{base}/{rel}"))
    return out


# -- s3:// ------------------------------------------------------------------------------
def s3_client() -> Any:
    """A boto3 S3 client honouring ``CAIRN_S3_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL``."""
    try:
        import boto3
    except ImportError:
        raise ValueError("s3:// references need boto3: pip install boto3") from None
    endpoint = os.environ.get("CAIRN_S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
    return boto3.client("s3", endpoint_url=endpoint or None)


def _split_s3(uri: str) -> tuple[str, str]:
    p = urllib.parse.urlparse(uri)
    return p.netloc, p.path.lstrip("/")


def _s3_entries(uri: str, name: str | None, limit: int) -> list[Entry]:
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, key = _split_s3(uri)
    client = s3_client()
    try:
        if key and not key.endswith("/"):
            try:
                head = client.head_object(Bucket=bucket, Key=key)
                return [_s3_entry(bucket, key, name or posixpath.basename(key), head["ETag"],
                                  head["ContentLength"], head.get("VersionId"))]
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                    raise
        prefix = key if not key or key.endswith("/") else key + "/"
        out: list[Entry] = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                if len(out) >= limit:
                    raise _too_many(uri, limit)
                rel = obj["Key"][len(prefix):]
                path = posixpath.join(name, rel) if name else rel
                out.append(_s3_entry(bucket, obj["Key"], path, obj["ETag"], obj["Size"], None))
    except (BotoCoreError, ClientError) as e:
        raise CommError(f"cannot reach {uri}: {e}", e) from e
    if not out:
        raise ValueError(f"reference {uri}: no object or prefix with that key")
    return out


def _s3_entry(bucket: str, key: str, path: str, etag: str, size: int, version: str | None) -> Entry:
    extra = {"etag": etag}
    if version:
        extra["versionID"] = version
    return Entry(path, etag.strip('"'), size, ref=f"s3://{bucket}/{key}", extra=extra)


# -- http(s):// -------------------------------------------------------------------------
def _http_entry(uri: str, name: str | None) -> Entry:
    headers = None
    for method in ("HEAD", "GET"):
        try:
            req = urllib.request.Request(uri, method=method)
            with urllib.request.urlopen(req, timeout=10) as resp:
                headers = resp.headers
            break
        except urllib.error.HTTPError as e:
            if method == "HEAD" and e.code in (403, 405, 501):
                continue  # some servers refuse HEAD; GET tells us the same headers
            raise CommError(f"cannot reach {uri}: HTTP {e.code} {e.reason}", e) from e
        except (urllib.error.URLError, OSError) as e:
            raise CommError(f"cannot reach {uri}: {getattr(e, 'reason', e)}", e) from e
    assert headers is not None
    etag = (headers.get("ETag") or "").strip('"')
    size = headers.get("Content-Length")
    return Entry(name or _basename(uri), etag or uri, int(size) if size else None, ref=uri,
                 extra={"etag": etag} if etag else {})


# -- fetching ---------------------------------------------------------------------------
def fetch(entry: Entry, dest: str) -> None:
    """Copy the referenced bytes to ``dest`` (caller renames it into place). Raises
    ``ArtifactCorruptError`` if a file:// or s3 reference changed since it was logged and
    ``CommError`` if the target can't be reached."""
    from cairn.artifacts.errors import ArtifactCorruptError

    uri = entry.ref or ""
    scheme = uri.split("://", 1)[0].lower()
    checked = entry.digest != uri
    if scheme == "file":
        src = _local_path(uri)
        if not os.path.isfile(src):
            raise CommError(f"reference {uri} for {entry.path!r} no longer exists")
        shutil.copyfile(src, dest)
        if checked and hash_file(dest).md5_b64 != entry.digest:
            raise ArtifactCorruptError(f"reference {uri} for {entry.path!r} changed since it was logged")
    elif scheme == "s3":
        from botocore.exceptions import BotoCoreError, ClientError

        bucket, key = _split_s3(uri)
        try:
            obj = s3_client().get_object(Bucket=bucket, Key=key)
            with contextlib.closing(obj["Body"]), open(dest, "wb") as f:  # the body holds a connection
                if checked and obj["ETag"].strip('"') != entry.digest:
                    raise ArtifactCorruptError(f"reference {uri} for {entry.path!r} changed since it was logged")
                shutil.copyfileobj(obj["Body"], f, 1 << 20)
        except (BotoCoreError, ClientError) as e:
            raise CommError(f"cannot reach {uri}: {e}", e) from e
    elif scheme in ("http", "https"):
        try:
            with urllib.request.urlopen(uri, timeout=30) as resp, open(dest, "wb") as f:
                shutil.copyfileobj(resp, f, 1 << 20)
        except (urllib.error.URLError, OSError) as e:
            raise CommError(f"cannot reach {uri}: {getattr(e, 'reason', e)}", e) from e
    else:
        raise ValueError(f"cannot download references with scheme {scheme}:// ({uri})")
