import pytest


@pytest.fixture(scope="session")
def married_province(tmp_path_factory):
    """20,000 people (seed 7) and 600 marriages written from them, with their damage and their truth."""
    from lienthong.demo import generate
    from lienthong.demo.marriages import write_marriages

    out = tmp_path_factory.mktemp("married")
    files = generate(out, vessels=200, population=20_000, seed=7)
    write_marriages(files.population, out / "marriages.csv", out / "truth.csv", marriages=600, seed=7)
    return files.population, out / "marriages.csv", out / "truth.csv"


@pytest.fixture(scope="session")
def households(married_province):
    """The province's households (demo-data writes them beside the population)."""
    return married_province[0].parent / "households.csv"
