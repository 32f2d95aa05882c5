"""R7.2 add_reference: file://, s3:// (a real moto_server on 127.0.0.1), http(s)://."""

from __future__ import annotations

import hashlib
import os
import threading
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest

from cairn.artifacts import Artifact, ArtifactCorruptError
from cairn.sdk.errors import CommError
from tests.artifacts.conftest import write


def test_file_reference_gets_real_md5_and_size(tmp_path):
    p = write(tmp_path / "ext/f.txt", "hello\n")
    art = Artifact("r", "dataset")
    [e] = art.add_reference(f"file://{p}")
    assert (e.path, e.digest, e.size, e.ref) == ("f.txt", "sZRqySSS0jR8YjW00mERhA==", 6, f"file://{p}")


def test_file_reference_folder_and_max_objects(tmp_path):
    for i in range(3):
        write(tmp_path / f"ext/{i}.txt", str(i))
    art = Artifact("r", "dataset")
    art.add_reference(f"file://{tmp_path / 'ext'}", name="d")
    assert sorted(art.manifest.entries) == ["d/0.txt", "d/1.txt", "d/2.txt"]
    with pytest.raises(ValueError, match="max_objects"):
        Artifact("r", "dataset").add_reference(f"file://{tmp_path / 'ext'}", max_objects=2)


def test_file_reference_missing_target_raises(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        Artifact("r", "dataset").add_reference(f"file://{tmp_path}/nope")


def test_file_reference_is_not_copied_and_downloads(run, tmp_path, isolated):
    p = write(tmp_path / "ext/f.txt", "ref bytes")
    art = Artifact("r", "dataset")
    art.add_reference(f"file://{p}")
    run.log_artifact(art)
    assert open(art.file(str(tmp_path / "out"))).read() == "ref bytes"


def test_changed_file_reference_is_detected_on_download(run, tmp_path):
    p = write(tmp_path / "ext/f.txt", "v1")
    art = Artifact("r", "dataset")
    art.add_reference(f"file://{p}")
    run.log_artifact(art)
    write(p, "v2")
    with pytest.raises(ArtifactCorruptError, match="changed since it was logged"):
        art.download(str(tmp_path / "out"))


def test_unchecked_reference_uses_uri_as_digest():
    art = Artifact("r", "dataset")
    [e] = art.add_reference("gs://bucket/path/obj.bin", checksum=False)
    assert (e.path, e.digest) == ("obj.bin", "gs://bucket/path/obj.bin")


def test_unsupported_scheme_with_checksum_raises():
    with pytest.raises(ValueError, match="not supported"):
        Artifact("r", "dataset").add_reference("gs://bucket/x")


def test_http_unreachable_uri_is_a_clear_error():
    with pytest.raises(CommError, match="cannot reach http://127.0.0.1:9/"):
        Artifact("r", "dataset").add_reference("http://127.0.0.1:9/model.bin")


@pytest.fixture
def http_dir(tmp_path):
    d = tmp_path / "www"
    d.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(d), **kw)

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", 0), Quiet)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield d, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_http_reference_records_size_and_downloads(run, http_dir, tmp_path):
    d, url = http_dir
    write(d / "w.bin", "weights")
    art = Artifact("h", "model")
    [e] = art.add_reference(f"{url}/w.bin")
    assert (e.path, e.size) == ("w.bin", 7)
    run.log_artifact(art)
    assert open(art.file(str(tmp_path / "o"))).read() == "weights"


def test_http_missing_object_is_a_clear_error(http_dir):
    _, url = http_dir
    with pytest.raises(CommError, match="404"):
        Artifact("h", "model").add_reference(f"{url}/nope.bin")


def test_s3_object_reference_uses_etag(s3):
    s3.put_object(Bucket=s3.bucket, Key="models/m.bin", Body=b"hello\n")
    art = Artifact("s", "model")
    [e] = art.add_reference(f"s3://{s3.bucket}/models/m.bin")
    assert e.digest == hashlib.md5(b"hello\n").hexdigest() and e.size == 6
    assert e.ref == f"s3://{s3.bucket}/models/m.bin"


def test_s3_prefix_lists_objects_up_to_max_objects(s3):
    for i in range(3):
        s3.put_object(Bucket=s3.bucket, Key=f"data/part-{i}", Body=str(i).encode())
    art = Artifact("s", "dataset")
    art.add_reference(f"s3://{s3.bucket}/data", name="parts")
    assert sorted(art.manifest.entries) == ["parts/part-0", "parts/part-1", "parts/part-2"]
    with pytest.raises(ValueError, match="max_objects"):
        Artifact("s", "dataset").add_reference(f"s3://{s3.bucket}/data", max_objects=2)


def test_s3_reference_logs_and_downloads(run, s3, tmp_path):
    s3.put_object(Bucket=s3.bucket, Key="m.bin", Body=b"s3 bytes")
    art = Artifact("s", "model")
    art.add_reference(f"s3://{s3.bucket}/m.bin")
    run.log_artifact(art)
    assert open(art.file(str(tmp_path / "o")), "rb").read() == b"s3 bytes"


def test_s3_changed_object_detected_on_download(run, s3, tmp_path):
    s3.put_object(Bucket=s3.bucket, Key="m.bin", Body=b"v1")
    art = Artifact("s", "model")
    art.add_reference(f"s3://{s3.bucket}/m.bin")
    run.log_artifact(art)
    s3.put_object(Bucket=s3.bucket, Key="m.bin", Body=b"v2")
    with pytest.raises(ArtifactCorruptError, match="changed"):
        art.download(str(tmp_path / "o"))


def test_s3_missing_key_raises(s3):
    with pytest.raises(ValueError, match="no object or prefix"):
        Artifact("s", "model").add_reference(f"s3://{s3.bucket}/absent")


def test_s3_unreachable_endpoint_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("CAIRN_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(CommError, match="cannot reach s3://b/k"):
        Artifact("s", "model").add_reference("s3://b/k")
    assert os.environ["CAIRN_S3_ENDPOINT_URL"]


def test_reference_name_cannot_climb_out_of_the_artifact():
    with pytest.raises(ValueError, match="inside the artifact"):
        Artifact("r", "dataset").add_reference("http://example.com/a/..", checksum=False)
