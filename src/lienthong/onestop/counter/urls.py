"""Intake at the counter: /mot-cua/tiep-nhan/ (the QR scan, verification, prefill, receipt form 01)."""
urlpatterns: list = []
