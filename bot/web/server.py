"""Serve the web chat: two demo pages and the widget's two files, with strict headers.

    python -m bot.web.server [--port 8080] [--rasa-url http://localhost:5005]
                             [--exit-url https://www.metservice.com]

The widget itself talks to the Rasa server's web chat channel (bot/channels/web.py);
this server only serves files: at / the chat shown in the page (data-target), at
/launcher the chat behind a button in the corner (no data-target). Either page
takes ?lang=<code> (zh, hi, mi...) for the widget's data-lang, to show it in that
language. No page it serves needs inline script or style, and the demo pages may
connect to nothing but the Rasa server.
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from aiohttp import web

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
# The demo pages: the widget in the page (data-target), and behind its corner button.
PAGES = {
    "/": "demo.html",
    "/launcher": "launcher.html",
}
ASSETS = {
    "/widget.js": ("widget.js", "application/javascript"),
    "/widget.css": ("widget.css", "text/css"),
}
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
DEFAULT_EXIT_URL = "https://www.metservice.com"
# A language tag for the widget's data-lang (?lang=): "zh", "zh-CN", "fil", "hif"...
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")


@dataclass(frozen=True)
class WebSettings:
    """Where the widget sends messages, where its quick exit goes, and the page title."""

    rasa_url: str
    exit_url: str
    title: str = "Help with people trafficking"


def origin(url: str) -> str:
    """The origin ("https://host:port") of an http(s) URL.

    Raises:
        ValueError: the URL is not http(s) or has no host.
    """
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parsed.scheme}://{parsed.netloc}"


def page_headers(settings: WebSettings) -> dict[str, str]:
    """The demo pages' headers: a strict CSP that may connect only to the Rasa server."""
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src {origin(settings.rasa_url)}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        **COMMON_HEADERS,
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def page_language(value: str | None) -> str:
    """The widget's data-lang for a demo page's ?lang= value: "en" unless it is a tag."""
    return value if value and LANGUAGE_TAG.match(value) else "en"


def fill_page(text: str, settings: WebSettings, lang: str = "en") -> str:
    """A demo page's text with the widget's data attributes filled in (escaped).

    The title (settings.title) is English: in another language the widget uses
    its own title.
    """
    values = {
        "rasa_url": settings.rasa_url,
        "exit_url": settings.exit_url,
        "title": settings.title if page_language(lang) == "en" else "",
        "lang": page_language(lang),
    }
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text


def demo_page(settings: WebSettings, name: str = "demo.html", lang: str = "en") -> str:
    """A demo page with the widget's data attributes filled in (escaped)."""
    return fill_page((STATIC / name).read_text(encoding="utf-8"), settings, lang)


def make_app(settings: WebSettings) -> web.Application:
    """The web app: the demo pages (PAGES) and the widget's files, all read once at start.

    Raises:
        ValueError: the Rasa URL is not an http(s) URL.
    """
    origin(settings.rasa_url)  # refuse a bad URL at start, not on the first request
    templates = {path: (STATIC / name).read_text(encoding="utf-8") for path, name in PAGES.items()}
    pages = {path: fill_page(text, settings) for path, text in templates.items()}
    headers = page_headers(settings)

    async def page(request: web.Request) -> web.Response:
        lang = page_language(request.query.get("lang"))
        if lang == "en":
            text = pages[request.path]
        else:
            text = fill_page(templates[request.path], settings, lang)
        return web.Response(text=text, content_type="text/html", headers=headers)

    # The widget's files are read once, like the page, not on every request.
    assets = {path: (STATIC / name).read_bytes() for path, (name, _) in ASSETS.items()}
    asset_headers = {
        **COMMON_HEADERS,
        # Not kept in the browser's cache, where it would show that the chat was used.
        "Cache-Control": "no-store",
        # Agencies embed the widget on their own sites.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }

    async def asset(request: web.Request) -> web.Response:
        return web.Response(
            body=assets[request.path],
            content_type=ASSETS[request.path][1],
            charset="utf-8",
            headers=asset_headers,
        )

    app = web.Application()
    for path in PAGES:
        app.router.add_get(path, page)
    for path in ASSETS:
        app.router.add_get(path, asset)
    return app


def main(argv=None) -> int:
    """Command line: serve the demo pages and the widget until stopped."""
    parser = argparse.ArgumentParser(description="Serve the web chat demo pages and widget.")
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://localhost:5005"))
    parser.add_argument("--exit-url", default=os.environ.get("WEB_EXIT_URL", DEFAULT_EXIT_URL))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    app = make_app(WebSettings(rasa_url=args.rasa_url, exit_url=args.exit_url))
    # No access log: a request line can say when someone used the chat.
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
