"""The console's words: the same keys in Persian and English, and every key a template or page names exists."""

from __future__ import annotations

import re
from pathlib import Path

from console.texts import catalog

CONSOLE = Path(__file__).resolve().parents[2] / "console"
NAMED = re.compile(r"""\bt\(\s*["']([a-z_.]*[a-z_])["']\s*[,)]""")  # whole keys, not "prefix." ~ part


def test_persian_and_english_have_the_same_texts() -> None:
    assert set(catalog("fa")) == set(catalog("en"))


def test_every_text_a_template_or_page_names_exists() -> None:
    sources = [*CONSOLE.glob("templates/*.html"), *CONSOLE.glob("pages/*.py"), *CONSOLE.glob("*.py")]
    named = {key for path in sources for key in NAMED.findall(path.read_text(encoding="utf-8"))}
    named |= {f"nav.{key}" for key in re.findall(r'NavItem\("nav\.([a-z_]+)"', "".join(p.read_text() for p in sources))}
    assert named and named <= set(catalog("fa")), sorted(named - set(catalog("fa")))
