import pytest

from .fleet import build_fleet


@pytest.fixture
def fleet(db):
    return build_fleet()
