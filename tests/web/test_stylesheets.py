"""Each app's stylesheet stays inside the app's own pages: every rule under `.app-<app>`, the scope class the
site shell (web/base.html) puts on <main>. Issue 8, item 5: sync.css's global `.bar` rule squeezed the site
header's search box to 24 px and put the language switch over the title on every sync page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import lienthong

SRC = Path(lienthong.__file__).parent
SHELL_APP = "web"  # site.css: the shell and the components every page shares


def _selectors(css: str) -> list[str]:
    """Every selector of every style rule, inside @media/@supports blocks too (no CSS parser in the project's
    dependencies, and the project's stylesheets are plain: rules, comments, conditional groups)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, start, stack = [], 0, []
    for i, ch in enumerate(css):
        if ch == "{":
            prelude = css[start:i].strip()
            stack.append(prelude)
            if not prelude.startswith("@") and not any(p.startswith(("@keyframes", "@font-face")) for p in stack[:-1]):
                out += [s.strip() for s in prelude.split(",") if s.strip()]
            start = i + 1
        elif ch == "}":
            stack.pop()
            start = i + 1
        elif ch == ";" and (not stack or stack[-1].startswith("@")):
            start = i + 1  # a statement at-rule (@import, @charset) or a declaration outside a rule
    return out


def _app_stylesheets():
    for css in sorted(SRC.glob("*/static/**/*.css")):
        app = css.relative_to(SRC).parts[0]
        if app != SHELL_APP and "vendor" not in css.parts:
            yield app, css


def test_the_selector_reader_sees_rules_inside_media_blocks():
    css = "/* c */ .a, .b > p { x: 1 } @media (max-width: 1px) { .c { y: 2 } } @media print { .d, .e { z: 3 } }"
    assert _selectors(css) == [".a", ".b > p", ".c", ".d", ".e"]


@pytest.mark.parametrize("app,path", list(_app_stylesheets()), ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_every_rule_of_an_app_stylesheet_is_scoped_to_the_app(app, path):
    selectors = _selectors(path.read_text())
    assert selectors, f"{path} has no rules"
    unscoped = [s for s in selectors if not s.startswith(f".app-{app} ")]
    assert not unscoped, f"{path.relative_to(SRC)}: rules outside .app-{app}: {unscoped}"


def test_there_are_app_stylesheets_to_check():
    assert {app for app, _ in _app_stylesheets()} >= {"sync", "port"}


def test_the_shell_puts_the_app_scope_on_main(db, fisheries_user):
    client = Client()
    client.force_login(fisheries_user)
    for url, app in (("/doi-soat/", "sync"), ("/cang/thong-ke/", "port")):
        html = client.get(url).content.decode()
        assert re.search(rf'<main id="main" class="site-main app-{app}"', html), url
        header = html[html.index("<header"):html.index("</header>")]
        # The header's own classes are the shell's (site-…), so no app class name can collide with them.
        classes = {c for attr in re.findall(r'class="([^"]*)"', header) for c in attr.split()}
        assert {"site-bar", "site-search", "site-nav"} <= classes
        assert not classes & {"bar", "nav", "brand", "lang", "main"}, url
