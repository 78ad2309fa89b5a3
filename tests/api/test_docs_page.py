"""The API docs page works offline: its settings block is JSON the page's script can read."""
from __future__ import annotations

import json
import re


def test_docs_settings_are_readable_json(client_for, fisheries_user):
    html = client_for(fisheries_user).get("/api/v1/docs").content.decode()
    block = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S)
    settings = json.loads(block.group(1))  # the browser's JSON.parse reads the text as it is
    assert settings["url"].endswith("/api/v1/openapi.json")
