"""Signer profiles in the admin: the two images are uploaded as PNG with a transparent background."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lienthong.signing.admin import SignerProfileForm
from lienthong.signing.images import seal_png, signature_png
from lienthong.signing.models import SignerProfile


def _form(**files):
    data = {"agency_name": "Ủy ban nhân dân phường Rạch Giá", "agency_code": "000.30.742.H01", "title": "CHỦ TỊCH",
            "full_name": "Trần Quốc Bảo", "active": "on"}
    return SignerProfileForm(data, {k: SimpleUploadedFile(f"{k}.png", v) for k, v in files.items()})


def _opaque_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


def test_png_images_with_transparency_are_stored(db):
    form = _form(signature_upload=signature_png("Trần Quốc Bảo"), seal_upload=seal_png("UBND phường Rạch Giá"))
    assert form.is_valid(), form.errors
    profile = form.save()
    assert SignerProfile.objects.get() == profile
    assert bytes(profile.signature_image)[:8] == b"\x89PNG\r\n\x1a\n" and bytes(profile.seal_image)[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_opaque_png_or_not_an_image_is_refused_in_vietnamese(db):
    form = _form(signature_upload=_opaque_png(), seal_upload=b"not an image")
    assert not form.is_valid()
    assert form.errors["signature_upload"] == ["Hình ảnh phải có nền trong suốt."]
    assert form.errors["seal_upload"] == ["Tệp không phải là hình ảnh."]


def test_the_admin_pages_open_for_staff(client_for, make_user, db):
    client = client_for(make_user("sieuquantri", "admin", is_staff=True, is_superuser=True))
    add = client.get("/quan-tri/signing/signerprofile/add/").content.decode()
    assert "hình ảnh chữ ký (PNG)" in add and "hình ảnh con dấu (PNG)" in add
    assert client.get("/quan-tri/signing/signeddocument/").status_code == 200
    assert client.get("/quan-tri/signing/signeddocument/add/").status_code == 403  # written by the service only
