"""The environment of a production start (LIENTHONG_ENV=production) that passes the start-up checks."""
from __future__ import annotations

from lienthong.signing.keys import ensure_test_ca

STRONG_KEY = "kX3v9_Qm2TzL8rWb-Yp4NcHd7Fs1GjE6uAoKiR5tVyM0xZqB2wDnS8hJfPlC4eU"  # secrets.token_urlsafe(50)-like


def production(tmp_path, **extra) -> dict:
    """A production environment that starts: a strong secret and the clearance signing key and certificate."""
    signer = ensure_test_ca(tmp_path / "signing")
    return {"LIENTHONG_ENV": "production", "LIENTHONG_SECRET_KEY": STRONG_KEY, "LIENTHONG_PUBLIC_URL": "https://tau.example.vn",
            "LIENTHONG_SIGNING_KEY": str(signer.key), "LIENTHONG_SIGNING_CERT": str(signer.cert),
            "LIENTHONG_SIGNING_PASSPHRASE": signer.passphrase.decode(), **extra}
