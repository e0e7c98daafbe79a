"""The console's static page: the preview reuses the chat page's card code
unchanged, the font is the chat page's Sarabun, and nothing loads from another host."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from common.paths import ROOT

STATIC = ROOT / "app" / "console" / "static"
WEB_SRC = ROOT / "web" / "src"


CARD_MODULES = ("cards.js", "dom.js", "messages.js", "icons.js")
BUILD = ROOT / "scripts" / "build_console_chat.sh"


def _rules(css: str) -> list[str]:
    return re.findall(r"(?ms)^[^\s@/}][^{}]*?\{[^{}]*\}\n", css)


def test_the_build_copies_the_chat_pages_card_code_and_rules(tmp_path: Path) -> None:
    # Copied at build time, not committed: the console runs on its own host, and
    # web/src stays the one source of the card code.
    out = tmp_path / "chat"
    subprocess.run(["bash", str(BUILD), str(out)], check=True, capture_output=True, timeout=60)
    assert sorted(p.name for p in out.iterdir()) == sorted([*CARD_MODULES, "chat.css"])
    for name in CARD_MODULES:
        assert (out / name).read_bytes() == (WEB_SRC / name).read_bytes(), name
    web = _rules((WEB_SRC / "styles.css").read_text(encoding="utf-8"))
    built = _rules((out / "chat.css").read_text(encoding="utf-8"))
    cards = [r for r in web if r.startswith((".card", ".office", ".bubble", ".message", ".quick-repl"))]
    assert cards and all(rule in built for rule in cards)
    assert all(rule in web for rule in built)
    # The chat page's own layout stays out of the console's page.
    assert not any(r.startswith((".topbar", ".app ", ".chat ", ":root", "body")) for r in built)
    # A second run changes nothing (cheap when up to date).
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    subprocess.run(["bash", str(BUILD), str(out)], check=True, capture_output=True, timeout=60)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_the_card_code_is_never_committed() -> None:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/app/console/static/chat/" in lines


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
