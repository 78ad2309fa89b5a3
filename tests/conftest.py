"""Fixtures shared by the whole suite: one user per role, and a commune officer with an area."""
from __future__ import annotations

import pytest
from django.test import Client

PASSWORD = "mat-khau-thu-nghiem-2025"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per login on this machine; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    from lienthong.accounts.models import AreaScope, User

    def make(username: str, role: str, communes: tuple[str, ...] = (), **extra) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
        for code in communes:
            AreaScope.objects.create(user=user, commune_code=code)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("quantri", "admin")


@pytest.fixture
def fisheries_user(make_user):
    return make_user("thuysan", "fisheries")


@pytest.fixture
def viewer_user(make_user):
    return make_user("xem", "viewer")


@pytest.fixture
def commune_user(make_user):
    """Commune officer of Đặc khu Phú Quốc (31078) only."""
    return make_user("xa_phuquoc", "commune", communes=("31078",))


@pytest.fixture
def other_commune_user(make_user):
    """Commune officer of Đặc khu Kiên Hải (31108) only."""
    return make_user("xa_kienhai", "commune", communes=("31108",))


@pytest.fixture
def police_user(make_user):
    return make_user("congan_phuquoc", "police", communes=("31078",))


@pytest.fixture
def client_for(db):
    """A test client logged in as `user` (the login itself writes one audit event)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
