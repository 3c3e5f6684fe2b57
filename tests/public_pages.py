"""The public site's pages as the site tests read them: their HTML, the links in a part of a
page, the titles a list shows, and how many queries a page costs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache

PUBLIC_PAGES = ["/", "/incidents/", "/methodology/", "/uk/", "/uk/incidents/", "/uk/methodology/"]


def html_of(response) -> str:
    return response.content.decode()


class _Links(HTMLParser):
    """The links inside the first element that has `css_class`."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class, self.depth, self.links = css_class, 0, []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in ("input", "br", "img", "meta", "link")
        elif self.css_class in (attrs.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a":
            self._text, self._href = [], attrs.get("href")

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self._text is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._text = None
        if self.depth and tag not in ("input", "br", "img", "meta", "link"):
            self.depth -= 1


def links_in(response, css_class: str) -> list[tuple[str, str]]:
    parser = _Links(css_class)
    parser.feed(html_of(response))
    return parser.links


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def titles_in(response) -> set[str]:
    return set(re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html_of(response)))


def query_count(client, url, django_assert_max_num_queries) -> int:
    cache.clear()
    with django_assert_max_num_queries(12) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)
