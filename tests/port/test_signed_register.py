"""The clearance is signed by the shared signing service and registered there: the site's verification page
(/xac-minh/) names it and links to the trip's own verification page."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lienthong.port import services
from lienthong.signing.models import SignedDocument


def test_the_clearance_is_registered_and_the_site_page_names_it(declare_trip, port_officer):
    trip = services.decide(declare_trip(), port_officer, action="clear")
    doc = SignedDocument.objects.get()
    assert (doc.kind, doc.object_ref, doc.title, doc.sha256, doc.signer) == (
        "port_clearance", trip.reference, f"Giấy xác nhận xuất bến {trip.reference}", trip.clearance_sha256, None)
    assert doc.detail_url == services.verify_url(trip)
    html = Client().post("/xac-minh/", {"document": SimpleUploadedFile("x.pdf", bytes(trip.clearance_pdf))}).content.decode()
    assert 'data-testid="verify-result" data-valid="true"' in html
    assert f"Giấy xác nhận xuất bến {trip.reference}" in html and f'href="{services.verify_url(trip)}"' in html
    assert "Ban quan ly cang ca (TEST)" in html  # no signer profile: the certificate's subject


def test_the_clearance_page_links_to_the_site_page(declare_trip, port_officer):
    trip = services.decide(declare_trip(), port_officer, action="clear")
    html = Client().get(f"/cang/xac-minh/{trip.public_token}/").content.decode()
    assert '<a href="/xac-minh/" data-testid="verify-any">Xác minh tài liệu ký số khác</a>' in html
