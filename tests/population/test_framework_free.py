import subprocess
import sys


def test_server_client_and_store_import_no_django():
    """population-serve runs without Django (and without its database)."""
    code = (
        "import sys, lienthong.population.source, lienthong.population.csvfile, lienthong.population.store, "
        "lienthong.population.client, lienthong.population.server; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
