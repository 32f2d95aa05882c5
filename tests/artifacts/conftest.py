"""Fixtures for the artifact tests: an isolated root and cwd per test, a run in it, readers of
what reached disk, and a real S3-compatible server (moto_server) on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

import cairn
from cairn.runlog import reader
from tests.sdk.conftest import isolated  # noqa: F401  (autouse: own root, cwd, clean env)

PY = sys.executable


def new_run(**kw):
    kw.setdefault("project", "p")
    return cairn.init(settings={"console": "off", "x_disable_stats": True}, reinit=True, **kw)


@pytest.fixture
def run(isolated):  # noqa: F811 - the fixture imported above
    return new_run()


def records(root: str, run_id: str, rtype: int) -> list[dict]:
    """Payloads of one record type in a run file (flushes nothing: finish the run first, or
    call ``flush``)."""
    return [r.data for r in reader.read_records(reader.run_file(root, run_id)) if r.type == rtype]


def flush(run) -> None:
    run._writer.flush(5)


def write(path, data: str | bytes = "x") -> str:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return str(path)


def blob_count(root: str) -> int:
    n = 0
    for _, _, files in os.walk(os.path.join(root, "blobs")):
        n += sum(1 for f in files if not f.startswith(".tmp-"))
    return n


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="session")
def s3_server():
    """A moto_server process on 127.0.0.1; yields its endpoint URL. Skips if moto is absent."""
    exe = shutil.which("moto_server") or os.path.join(os.path.dirname(PY), "moto_server")
    if not os.path.exists(exe):
        pytest.skip("moto[server] not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.skip("moto_server did not start")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def s3(s3_server, monkeypatch):
    """A boto3 client on the moto server with a fresh bucket; env points cairn at it."""
    import uuid

    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("CAIRN_S3_ENDPOINT_URL", s3_server)
    client = boto3.client("s3", endpoint_url=s3_server)
    bucket = "b" + uuid.uuid4().hex[:12]
    client.create_bucket(Bucket=bucket)
    client.bucket = bucket
    return client
