"""Campaign fixtures: a small demo province's population and its demo registries (written once per session),
the population extract imported per test."""
from __future__ import annotations

from datetime import date

import pytest

POPULATION = 4000


@pytest.fixture(scope="session")
def registry_files(tmp_path_factory):
    from lienthong.demo import generate
    from lienthong.demo.land import write_land
    from lienthong.demo.marriages import write_marriages
    from lienthong.demo.students import write_students

    out = tmp_path_factory.mktemp("campaign-demo")
    files = generate(out, vessels=60, population=POPULATION)
    write_marriages(files.population, out / "marriages.csv", out / "marriages-truth.csv", marriages=120)
    write_land(files.population, out / "land.csv", out / "land-truth.csv", parcels=100)
    write_students(files.population, out / "households.csv", out / "students.csv", out / "students-truth.csv",
                   students=100)
    return out


@pytest.fixture
def population(db, registry_files, settings, tmp_path):
    from lienthong.population.extract import import_extract

    settings.DATA_DIR = tmp_path
    import_extract(registry_files / "population.csv")
    return registry_files


@pytest.fixture
def department_user(make_user):
    """The justice department's officer: keeps the marriage registry."""
    return make_user("tuphap", "department", registry="marriage")


@pytest.fixture
def marriage_campaign(population, department_user):
    from lienthong.campaigns.importing import import_campaign

    data = (population / "marriages.csv").read_bytes()
    return import_campaign(data, "marriages.csv", profile="marriage", title="Làm sạch dữ liệu hôn nhân",
                           department="Sở Tư pháp", deadline=date(2026, 9, 30), user=department_user)
