"""Which pages a role can open, found without a hand-kept list: every named GET route of Django's URL
resolver (arguments filled from the demo data), plus a bounded crawl of the same-site links and GET forms
on the pages themselves. Used by the layout check (test_layout.py); nothing here knows a page by name."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

# Not pages of this site's shell: Django's own admin (its own stylesheet) and the JSON API.
EXCLUDED_NAMESPACES = ("admin",)
EXCLUDED_NAMESPACE_PREFIXES = ("api",)
# Never requested by the check: they change state on a GET-less form or end the session.
EXCLUDED_NAMES = {"logout", "set_language"}
FILE_SEGMENT = re.compile(r"\.[A-Za-z0-9%()]{2,8}$")  # …/loi.csv, …/giay-xuat-ben.pdf, …/tep.%(fmt)s

MAX_DEPTH = 2  # home → a list → an item
MAX_PER_ROUTE = 1  # the same page with other data or another query string adds little (2 cost CI 3 more minutes)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" when namespaced
    format: str  # "doi-soat/dot/%(pk)s/"
    params: tuple[str, ...]

    @property
    def is_file(self) -> bool:
        return bool(FILE_SEGMENT.search(self.format.rstrip("/").rsplit("/", 1)[-1]))


def named_routes() -> list[Route]:
    """Every named route of the project's URLconf, namespaces included (except the excluded ones)."""
    out: dict[str, Route] = {}

    def walk(resolver, prefix: str, ns: str):
        for key, possibilities in resolver.reverse_dict.lists():
            if not isinstance(key, str):
                continue
            fmt, params = possibilities[0][0][0]
            name = f"{ns}:{key}" if ns else key
            out.setdefault(name, Route(name, prefix + fmt, tuple(params)))
        for namespace, (sub_prefix, sub) in resolver.namespace_dict.items():
            if namespace in EXCLUDED_NAMESPACES or namespace.startswith(EXCLUDED_NAMESPACE_PREFIXES):
                continue
            walk(sub, prefix + sub_prefix, f"{ns}:{namespace}" if ns else namespace)

    walk(get_resolver(), "", "")
    return sorted((r for r in out.values() if r.name.rsplit(":", 1)[-1] not in EXCLUDED_NAMES), key=lambda r: r.name)


def route_of(path: str) -> tuple[str, dict] | None:
    """(route name, kwargs) of a site path, or None for an excluded or unknown one."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if not match.url_name or any(ns in EXCLUDED_NAMESPACES or ns.startswith(EXCLUDED_NAMESPACE_PREFIXES)
                                 for ns in match.namespaces):
        return None
    if match.url_name in EXCLUDED_NAMES:
        return None
    return match.view_name, match.kwargs


def is_file_path(path: str) -> bool:
    return bool(FILE_SEGMENT.search(path.rstrip("/").rsplit("/", 1)[-1]))


@dataclass
class Samples:
    """URL argument values: the demo data's (per route and argument name, "route.arg", for a route no page links
    to; then per argument name, chosen so that area-scoped roles may open
    them too), then those seen in links and forms of checked pages (per route, then per argument name), then
    1 for an integer (the first object of each kind in a fresh demo database), then a placeholder: enough
    for a POST-only route to answer 405, while a GET page that needs a real value answers 404, which the
    check reports as a route nobody could open."""
    demo: dict[str, str]
    seen_route: dict[str, dict[str, str]] = field(default_factory=dict)
    seen_param: dict[str, str] = field(default_factory=dict)

    def learn(self, route: str, kwargs: dict) -> None:
        self.seen_route.setdefault(route, {k: str(v) for k, v in kwargs.items()})
        for k, v in kwargs.items():
            self.seen_param.setdefault(k, str(v))

    def fill(self, route: Route) -> str | None:
        kwargs = {}
        for p in route.params:
            value = (self.demo.get(f"{route.name}.{p}") or self.demo.get(p) or self.seen_route.get(route.name, {}).get(p)
                     or self.seen_param.get(p)
                     or ("1" if p == "pk" or p.endswith("_pk") or p == "id" else "x"))
            kwargs[p] = value
        try:
            return reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            return None


@dataclass
class Visit:
    url: str  # path and query
    route: str
    depth: int


class Frontier:
    """The pages still to look at for one role: resolver routes first seeded, links added as pages are read.
    At most MAX_PER_ROUTE URLs per route and MAX_DEPTH links away from where the walk began."""

    def __init__(self, site_url: str):
        self.site = urlsplit(site_url)
        self.queue: list[Visit] = []
        self.seen_urls: set[str] = set()
        self.per_route: dict[str, int] = defaultdict(int)

    def add(self, url: str, depth: int, *, base: str | None = None, samples: Samples | None = None) -> None:
        parts = urlsplit(urljoin(base or self.site.geturl(), url))
        if parts.scheme not in ("http", "https") or parts.netloc != self.site.netloc:
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in self.seen_urls or is_file_path(parts.path):
            return
        found = route_of(parts.path)
        if found is None:
            return
        route, kwargs = found
        if samples is not None:
            samples.learn(route, kwargs)
        if depth > MAX_DEPTH or self.per_route[route] >= MAX_PER_ROUTE:
            return
        self.seen_urls.add(path)
        self.per_route[route] += 1
        self.queue.append(Visit(path, route, depth))

    def pop(self) -> Visit | None:
        return self.queue.pop(0) if self.queue else None


# Links and GET forms of a loaded page (a[download] and POST forms are not followed; POST forms' actions
# still teach the samples which values their URL arguments take).
LINKS_JS = """() => {
  const out = {links: [], actions: []};
  for (const a of document.querySelectorAll('a[href]')) {
    if (a.hasAttribute('download')) continue;
    out.links.push(a.getAttribute('href'));
  }
  for (const f of document.querySelectorAll('form')) {
    const action = f.getAttribute('action') || location.pathname;
    if ((f.getAttribute('method') || 'get').toLowerCase() === 'get') {
      const data = new URLSearchParams();
      for (const el of f.elements) {
        if (!el.name || el.disabled || ['submit', 'button', 'file'].includes(el.type)) continue;
        if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
        data.append(el.name, el.value);
      }
      const q = data.toString();
      out.links.push(q ? action + (action.includes('?') ? '&' : '?') + q : action);
    } else {
      out.actions.push(action);
    }
  }
  return out;
}"""
