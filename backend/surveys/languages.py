"""Language names as XLSForms write them (``English``, ``Farsi (fa)``, ``فارسی``) to language codes."""

from __future__ import annotations

import re

LANGUAGE_PATTERN = r"^(?:[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?|x-[\w-]{1,40})$"
OWN_LANGUAGE_PREFIX = "x-"  # a language with no known code is kept as its own, e.g. "x-gilaki"

# names (case-folded) forms use for the languages of Mashhad's citizens and pilgrims, and a few more
KNOWN_LANGUAGES = {
    **dict.fromkeys(("english", "انگلیسی"), "en"),
    **dict.fromkeys(("persian", "farsi", "فارسی", "پارسی", "parsi"), "fa"),
    **dict.fromkeys(("dari", "دری"), "prs"),
    **dict.fromkeys(("arabic", "العربية", "عربی", "عربي"), "ar"),
    **dict.fromkeys(("kurdish", "kurdî", "کوردی", "کردی"), "ku"),
    **dict.fromkeys(("sorani", "central kurdish"), "ckb"),
    **dict.fromkeys(("kurmanji", "northern kurdish"), "kmr"),
    **dict.fromkeys(("turkish", "türkçe", "ترکی استانبولی"), "tr"),
    **dict.fromkeys(("azerbaijani", "azeri", "azərbaycan", "azərbaycanca", "ترکی", "آذری"), "az"),
    **dict.fromkeys(("pashto", "پښتو", "پشتو"), "ps"),
    **dict.fromkeys(("urdu", "اردو"), "ur"),
    **dict.fromkeys(("turkmen", "türkmen", "ترکمنی"), "tk"),
    **dict.fromkeys(("baluchi", "balochi", "بلوچی"), "bal"),
    **dict.fromkeys(("french", "français"), "fr"),
    **dict.fromkeys(("german", "deutsch"), "de"),
    **dict.fromkeys(("spanish", "español"), "es"),
    **dict.fromkeys(("russian", "русский"), "ru"),
    **dict.fromkeys(("chinese", "中文"), "zh"),
    **dict.fromkeys(("hindi", "हिन्दी"), "hi"),
}
_CODE_IN_PARENTHESES = re.compile(r".*\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*\)\s*")
_BARE_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


def language_code(name: str) -> str:
    """The code of a language column name: the code in parentheses ("Farsi (fa)"), a bare code
    ("fa"), a known name ("English", "Farsi", "فارسی"), else the name kept as its own language."""
    written = name.strip()
    match = _CODE_IN_PARENTHESES.fullmatch(written) or _BARE_CODE.fullmatch(written)
    if match:
        return (match[1] if match.groups() else match[0]).lower()
    known = KNOWN_LANGUAGES.get(written.casefold())
    if known:
        return known
    slug = re.sub(r"[^\w]+", "-", written.casefold()).strip("-_")[:40]
    return OWN_LANGUAGE_PREFIX + (slug or "unnamed")
