"""A small XLSForm (transit survey) written with openpyxl, as KoboToolbox would export it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEADER = [
    "type",
    "name",
    "label::Persian (fa)",
    "label::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Persian (fa)",
    "constraint_message::English (en)",
]


def write_transit_form(path: Path) -> Path:
    """transit_check: household size (constraint), bus use, a relevant follow-up, modes (multi)."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(HEADER)
    survey.append(
        [
            "integer",
            "household",
            "چند نفر در خانوار شما هستند؟",
            "How many people live in your household?",
            "yes",
            None,
            ". > 0 and . < 20",
            "عددی بین ۱ و ۱۹",
            "Please give a number from 1 to 19",
        ]
    )
    survey.append(["select_one yes_no", "uses_bus", "با اتوبوس رفت‌وآمد می‌کنید؟", "Do you commute by bus?", "yes"])
    survey.append(
        [
            "text",
            "bus_issue",
            "بزرگ‌ترین مشکل اتوبوس؟",
            "What is the biggest problem with the buses?",
            "no",
            "${uses_bus} = 'yes'",
        ]
    )
    survey.append(["select_multiple modes", "modes", "دیگر وسیله‌ها؟", "Which other modes do you use?", "yes"])
    survey.append(
        ["decimal", "commute_km", "مسافت رفت‌وآمد (کیلومتر)؟", "Commute distance in km?", "no", None, ". >= 0"]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Persian (fa)", "label::English (en)"])
    for row in (
        ["yes_no", "yes", "بله", "Yes"],
        ["yes_no", "no", "خیر", "No"],
        ["modes", "metro", "قطار شهری", "Metro"],
        ["modes", "taxi", "تاکسی", "Taxi"],
        ["modes", "bike", "دوچرخه", "Bicycle"],
    ):
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "default_language"])
    settings.append(["transit_check", "پیمایش رفت‌وآمد", "Persian (fa)"])
    file = path / "transit.xlsx"
    book.save(file)
    return file
