"""Run files, media bytes and tables over HTTP; nothing outside the root is ever served."""

from __future__ import annotations

import pytest

from tests.server.conftest import XSS


def _image_path(client, rid: str) -> str:
    rows = client.get(f"/api/v1/runs/{rid}/history", params={"keys": "_step,sample"}).json()["rows"]
    return rows[0]["sample"]["path"]


def test_files_list_names_logged_media(client, seeded):
    names = [f["name"] for f in client.get(f"/api/v1/runs/{seeded.ids['alpha']}/files").json()["files"]]
    assert any(n.startswith("media/images/") and n.endswith(".png") for n in names)


def test_logged_image_bytes_are_served_as_png(client, seeded):
    rid = seeded.ids["alpha"]
    r = client.get(f"/api/v1/runs/{rid}/files/{_image_path(client, rid)}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_file_only_in_the_blob_store_is_served_from_its_blob(client, seeded, tmp_path):
    import os
    import shutil

    rid = seeded.ids["alpha"]
    rel = _image_path(client, rid)
    local = os.path.join(seeded.root, "runs", rid, "files", rel)
    keep = tmp_path / "copy.png"
    shutil.move(local, keep)
    try:
        r = client.get(f"/api/v1/runs/{rid}/files/{rel}")
        assert r.status_code == 200 and r.content[:4] == b"\x89PNG"
    finally:
        shutil.move(keep, local)


def test_download_flag_sends_an_attachment(client, seeded):
    r = client.get(f"/api/v1/runs/{seeded.ids['alpha']}/files/notes.txt", params={"download": 1})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.text == "hello from the run folder\n"


@pytest.mark.parametrize("path", [
    "../../../../etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%252f..%252f..%252fetc%252fpasswd",
    "%2fetc%2fpasswd",
    "//etc/passwd",
    "..\\..\\..\\etc\\passwd",
    "escape.txt",  # a symlink inside the run folder pointing at /etc/passwd
    "../../run.cairn",
    "notes.txt%00.png",
])
def test_traversal_attempts_never_leave_the_run_folder(client, seeded, path):
    r = client.get(f"/api/v1/runs/{seeded.ids['alpha']}/files/{path}")
    assert r.status_code in (400, 404)
    assert b"root:" not in r.content and b"CAIRNRUN" not in r.content


@pytest.mark.parametrize("rid", ["..", "%2e%2e", "..%2f..", "a%2fb"])
def test_traversal_through_the_run_id_is_refused(client, rid):
    r = client.get(f"/api/v1/runs/{rid}/files/etc/passwd")
    assert r.status_code in (400, 404) and b"root:" not in r.content


def test_html_files_are_sent_with_a_sandbox_policy(client, seeded):
    r = client.get(f"/api/v1/runs/{seeded.ids['alpha']}/files/page.html")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == "sandbox allow-scripts"
    assert r.headers["x-content-type-options"] == "nosniff"


def _table_path(client, rid: str) -> str:
    rows = client.get(f"/api/v1/runs/{rid}/history", params={"keys": "_step,preds"}).json()["rows"]
    return rows[0]["preds"]["path"]


def test_tables_are_paged_and_sorted_by_the_server(client, seeded):
    rid = seeded.ids["alpha"]
    url = f"/api/v1/runs/{rid}/tables/{_table_path(client, rid)}"
    t = client.get(url, params={"sort": "score", "desc": 1, "limit": 2}).json()
    assert t["columns"] == ["text", "score"] and t["total"] == 3
    assert t["rows"] == [[XSS, 3], ["c", 2]]
    assert client.get(url, params={"offset": 2}).json()["rows"] == [["c", 2]]
    assert client.get(url, params={"sort": "nope"}).status_code == 400


def test_a_file_that_is_not_a_table_is_a_400(client, seeded):
    r = client.get(f"/api/v1/runs/{seeded.ids['alpha']}/tables/notes.txt")
    assert r.status_code == 400
    assert "notes.txt" in r.json()["error"]  # the message names the file that is not a table
