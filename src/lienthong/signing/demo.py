"""Demo signer profiles (called by `lienthong demo-setup`): one signer per demo agency, with a signature and a
seal drawn by images.py (no image files in the repository). The agency codes are the demo one-stop agencies'."""
from __future__ import annotations

# agency code, agency, seal's place line, signer's title (one line per line), signer (fictional names)
DEMO_SIGNERS = (
    ("000.00.06.H01", "Sở Nông nghiệp và Môi trường tỉnh An Giang", "AN GIANG", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
     "Lê Văn Thành"),
    ("000.31.078.H01", "Ủy ban nhân dân đặc khu Phú Quốc", "AN GIANG", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
     "Nguyễn Thị Hồng Nhung"),
    ("000.30.742.H01", "Ủy ban nhân dân phường Rạch Giá", "AN GIANG", "CHỦ TỊCH", "Trần Quốc Bảo"),
)


def create_demo_signers() -> list:
    """Idempotent: one active signer profile per demo agency, its images drawn once (kept when they exist, so
    an image uploaded in the admin survives a re-run)."""
    from .images import seal_png, signature_png
    from .models import SignerProfile

    profiles = []
    for code, agency, place, title, name in DEMO_SIGNERS:
        profile, _ = SignerProfile.objects.update_or_create(
            agency_code=code, full_name=name, defaults={"agency_name": agency, "title": title, "active": True})
        if not profile.signature_image or not profile.seal_image:
            profile.signature_image = bytes(profile.signature_image) or signature_png(name)
            profile.seal_image = bytes(profile.seal_image) or seal_png(agency, place=place)
            profile.save(update_fields=["signature_image", "seal_image"])
        profiles.append(profile)
    return profiles
