"""Demo fishing ports and the demo port officer's assignment (called by `lienthong demo-setup`)."""
from __future__ import annotations

# code, name, commune (2025), operator
DEMO_PORTS = (
    ("rach-gia", "Cảng cá Rạch Giá", "30742", "Ban Quản lý cảng cá An Giang"),
    ("tac-cau", "Cảng cá Tắc Cậu", "30742", "Ban Quản lý cảng cá An Giang"),
    ("an-thoi", "Cảng cá An Thới", "31078", "Ban Quản lý cảng cá An Giang"),
    ("hon-tre", "Cảng cá Hòn Tre", "31108", "Ban Quản lý cảng cá An Giang"),
)
DEMO_PORT_OFFICER = ("cang", "rach-gia")


def create_demo_ports() -> list:
    """Idempotent: the ports, the "cang" login assigned to Rạch Giá (when that user exists), and the
    test signing CA in the data directory so the first clearance does not pay for generating it."""
    from lienthong.accounts.models import User
    from lienthong.signing.keys import signing_config

    from .models import Port, PortAssignment

    ports = []
    for code, name, commune, operator in DEMO_PORTS:
        port, _ = Port.objects.update_or_create(code=code, defaults={
            "name": name, "commune_code": commune, "operator": operator, "active": True})
        ports.append(port)
    username, port_code = DEMO_PORT_OFFICER
    user = User.objects.filter(username=username).first()
    if user is not None:
        PortAssignment.objects.get_or_create(user=user, port=Port.objects.get(code=port_code))
    signing_config()
    return ports
