def test_identity_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, lienthong.identity.text, lienthong.identity.legacy_encoding, "
        "lienthong.identity.names, lienthong.identity.cccd, lienthong.identity.dates; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
