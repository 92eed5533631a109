"""The web page server: settings are checked, and values in the page are escaped."""

from __future__ import annotations

import pytest

from bot.web.server import (
    PAGES,
    WebSettings,
    demo_page,
    make_app,
    origin,
    page_headers,
    page_language,
)


def test_origin_of_a_url():
    assert origin("http://localhost:5005/") == "http://localhost:5005"
    assert origin("https://chat.example.org/rasa") == "https://chat.example.org"
    for bad in ["localhost:5005", "javascript:alert(1)", "ftp://x"]:
        with pytest.raises(ValueError):
            origin(bad)


@pytest.mark.parametrize("name", sorted(PAGES.values()))
def test_values_in_the_demo_pages_are_escaped(name):
    page = demo_page(
        WebSettings(rasa_url='http://x" onload="alert(1)', exit_url="https://a/?q=<b>"), name
    )
    assert 'onload="alert(1)"' not in page and "&quot; onload=&quot;" in page
    assert "<b>" not in page and "{{" not in page
    # Nothing inline that the page's policy would refuse.
    assert "<script>" not in page and "style=" not in page and "<style" not in page


def test_the_chat_is_in_the_page_at_the_root_and_behind_a_button_at_launcher():
    settings = WebSettings(rasa_url="http://localhost:5005", exit_url="https://e.example")

    def widget_tag(path: str) -> str:
        page = demo_page(settings, PAGES[path])
        return page[page.index('<script src="/widget.js"') :].split(">", 1)[0]

    assert 'data-target="#chat"' in widget_tag("/")
    assert "data-target" not in widget_tag("/launcher")


def test_the_page_may_only_connect_to_the_rasa_server():
    policy = page_headers(WebSettings(rasa_url="https://chat.example.org/x", exit_url="e"))[
        "Content-Security-Policy"
    ]
    assert "connect-src https://chat.example.org;" in policy
    assert "default-src 'none'" in policy and "unsafe" not in policy


def test_a_bad_rasa_url_stops_the_server_from_starting():
    with pytest.raises(ValueError):
        make_app(WebSettings(rasa_url="not a url", exit_url="https://www.metservice.com"))


def test_the_widget_never_touches_device_storage_or_parses_html():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "bot/web/static/widget.js").read_text()
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("*"))
    for api in [
        "localStorage",
        "sessionStorage",
        "indexedDB",
        "document.cookie",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "eval(",
        "new Function",
    ]:
        assert api not in code, api


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/widget.js", "application/javascript"),
        ("/widget.css", "text/css"),
        ("/", "text/html"),
        ("/launcher", "text/html"),
    ],
)
async def test_no_file_the_chat_uses_is_kept_in_the_browser_cache(path, content_type):
    """A cached widget file would show that someone used the chat."""
    from aiohttp.test_utils import TestClient, TestServer

    app = make_app(WebSettings(rasa_url="http://localhost:5005", exit_url="https://e.example"))
    async with TestClient(TestServer(app)) as client:
        response = await client.get(path)
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Type"].startswith(content_type)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert await response.read()


def test_the_widget_message_box_has_no_spell_checker_or_autofill():
    """The browser tests check the live box; this checks the source without a browser."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "bot/web/static/widget.js").read_text()
    for attribute in [
        'autocomplete: "off"',
        'autocorrect: "off"',
        'autocapitalize: "off"',
        'spellcheck: "false"',
    ]:
        assert attribute in source, attribute
    assert "shiftTimes" not in source  # triple Shift (pressed while typing capitals) is gone


def test_a_demo_page_language_is_a_language_tag_or_english():
    for tag in ["zh", "zh-CN", "zh-Hans", "fil", "hif", "mi", "pa_IN"]:
        assert page_language(tag) == tag
    for bad in [None, "", "x", '"><script>', "zh CN", "toolongtag", "en-" + "a" * 9, "../"]:
        assert page_language(bad) == "en"


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_lang_in_the_address_sets_the_widget_language(path):
    """?lang= fills the widget's data-lang (a tag, else "en"), with the same strict headers."""
    from aiohttp.test_utils import TestClient, TestServer

    settings = WebSettings(rasa_url="http://localhost:5005", exit_url="https://e.example")

    def widget_tag(page: str) -> str:
        return page[page.index('<script src="/widget.js"') :].split(">", 1)[0]

    async with TestClient(TestServer(make_app(settings))) as client:
        plain = await client.get(path)
        default = widget_tag(await plain.text())
        assert 'data-lang="en"' in default and f'data-title="{settings.title}"' in default
        chinese = await client.get(path, params={"lang": "zh-CN"})
        tag = widget_tag(await chinese.text())
        # The title setting is English: in another language the widget uses its own.
        assert 'data-lang="zh-CN"' in tag and 'data-title=""' in tag
        assert (
            chinese.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
        )
        assert chinese.headers["Cache-Control"] == "no-store"
        hostile = await client.get(path, params={"lang": '"><script>alert(1)</script>'})
        page = await hostile.text()
        assert 'data-lang="en"' in widget_tag(page) and "alert(1)" not in page
