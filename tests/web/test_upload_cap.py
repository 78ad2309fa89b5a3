"""Requests without a login carry at most PUBLIC_UPLOAD_MAX_KB: a larger one is refused (413, a Vietnamese page)
from its Content-Length, before anything reads the body (the probe's 40 anonymous 4.9 MB uploads slowed the
login page to 39.5 s)."""
from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler


class _UnreadableBody(io.RawIOBase):
    """A request body that records whether anything read it."""

    def __init__(self):
        self.reads = 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.reads += 1
        return b"x" * (size if size and size > 0 else 1024)

    readline = read


def _post_through_the_site(path: str, length: int, **extra):
    body = _UnreadableBody()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "REMOTE_ADDR": "203.0.113.40", "wsgi.url_scheme": "http", "wsgi.input": body, "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz", "CONTENT_LENGTH": str(length), **extra,
    }
    status = []
    response = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    return int(status[0].split()[0]), b"".join(response).decode(), body.reads


def test_an_anonymous_upload_over_the_cap_is_refused_unread(db, settings):
    settings.PUBLIC_UPLOAD_MAX_KB = 2048
    for path in ("/dang-nhap/", "/cang/xac-minh/khong-co/", "/cang/khai-bao/"):
        status, html, reads = _post_through_the_site(path, int(4.9 * 1024 * 1024))
        assert (status, reads) == (413, 0), path
        assert 'data-testid="too-large"' in html and "tối đa 2 MB" in html and "Tệp quá lớn" in html


def test_the_api_answers_in_its_own_error_shape(db, settings):
    settings.PUBLIC_UPLOAD_MAX_KB = 2048
    status, body, reads = _post_through_the_site("/api/v1/port/declarations", 3 * 1024 * 1024,
                                                 CONTENT_TYPE="application/json")
    assert (status, reads, json.loads(body)) == (413, 0, {"detail": "Payload too large"})


def test_an_anonymous_request_within_the_cap_goes_through(db, settings, client):
    settings.PUBLIC_UPLOAD_MAX_KB = 2048
    small = client.post("/cang/xac-minh/khong-co/", {"document": SimpleUploadedFile("a.pdf", b"%PDF" * 100)})
    assert small.status_code == 404  # reached the page (no such clearance), not stopped by the cap
    status, _html, _reads = _post_through_the_site("/dang-nhap/", 2048 * 1024)
    assert status != 413


def test_an_officers_upload_is_not_capped(client_for, fisheries_user, settings):
    settings.PUBLIC_UPLOAD_MAX_KB = 1
    response = client_for(fisheries_user).post("/cang/xac-minh/khong-co/",
                                               {"document": SimpleUploadedFile("a.pdf", b"%PDF" * 2000)})
    assert response.status_code == 404  # the officer's request reached the page


def test_django_reads_at_most_its_memory_caps(settings):
    from django.conf import settings as live

    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE == live.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
