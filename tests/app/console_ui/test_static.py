"""The console's static page: the preview reuses the chat page's card code
unchanged, the font is the chat page's Sarabun, and nothing loads from another host."""
from __future__ import annotations

import re

import pytest

from common.paths import ROOT

STATIC = ROOT / "app" / "console" / "static"
WEB_SRC = ROOT / "web" / "src"


@pytest.mark.parametrize("name", ["cards.js", "dom.js", "messages.js", "icons.js"])
def test_chat_card_code_is_the_chat_pages_own(name: str) -> None:
    # A copy, not an import across servers: the console runs on its own host.
    assert (STATIC / "chat" / name).read_bytes() == (WEB_SRC / name).read_bytes(), (
        f"app/console/static/chat/{name} differs from web/src/{name}: copy it again"
    )


def _rules(css: str) -> list[str]:
    return re.findall(r"(?ms)^[^\s@/}][^{}]*?\{[^{}]*\}\n", css)


def test_card_styles_are_the_chat_pages_rules() -> None:
    web = (WEB_SRC / "styles.css").read_text(encoding="utf-8")
    copied = _rules((STATIC / "chat" / "chat.css").read_text(encoding="utf-8"))
    assert len(copied) >= 30
    for rule in copied:
        assert rule in web, f"not in web/src/styles.css any more:\n{rule}"
    # Every card rule of the chat page is in the copy.
    card_rules = [r for r in _rules(web) if r.startswith((".card", ".office"))]
    assert card_rules and all(rule in copied for rule in card_rules)


def test_font_is_sarabun_woff2_with_its_licence() -> None:
    fonts = sorted(p.name for p in (STATIC / "fonts").glob("*.woff2"))
    assert fonts == [
        "sarabun-latin-400-normal.woff2", "sarabun-latin-600-normal.woff2",
        "sarabun-thai-400-normal.woff2", "sarabun-thai-600-normal.woff2",
    ]
    for name in fonts:
        assert (STATIC / "fonts" / name).read_bytes()[:4] == b"wOF2"
    assert "SIL Open Font License" in (STATIC / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    css = (STATIC / "console.css").read_text(encoding="utf-8")
    assert '"Sarabun"' in css and "U+0E01-0E5B" in css


def test_nothing_loads_from_another_host() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for css in STATIC.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css
    for script in STATIC.rglob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"""^\s*import[^;]*from\s+["'](https?:)?//""", text, re.M), script
        assert "innerHTML" not in text, f"{script}: text from the API must never become HTML"
