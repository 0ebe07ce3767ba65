"""Every URL pattern the site has, as concrete paths a test can request.

Walking the URLconf means a page added tomorrow is in the permission matrix and the privacy
test the day it is added: a pattern these tests cannot fill in fails them until it is taught.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "activities:detail"; unnamed patterns get their route
    route: str  # the pattern as written
    callback: object

    def __str__(self) -> str:
        return self.name


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = ":".join(part for part in (namespace, pattern.name) if part) if pattern.name else route
                found.append(Route(name, route, pattern.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


_PLACEHOLDER = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)|\([^)]*\)"
)


def concrete_path(route: Route, values: dict) -> str:
    """`route` with its parameters filled from `values` (by name; unnamed groups take
    "group1", "group2"…). Raises KeyError naming a parameter nobody gave a value for."""
    text = route.route
    counter = iter(range(1, 10))

    def fill(match):
        name = match.group("name") or match.group("group") or f"group{next(counter)}"
        if match.group("converter") == "drf_format_suffix":
            return ".json"
        return str(values[name])

    text = _PLACEHOLDER.sub(fill, text)
    for token in ("^", "$"):
        text = text.replace(token, "")
    text = text.replace("\\.", ".").replace("/?", "/")
    return "/" + text
