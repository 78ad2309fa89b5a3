import pytest

from lienthong.demo import generate


@pytest.fixture(scope="session")
def small_province(tmp_path_factory):
    """A small generated province: 1,500 vessels, 20,000 people (seed 7)."""
    return generate(tmp_path_factory.mktemp("province"), vessels=1500, population=20_000, seed=7)
