"""The XLSForm corpus: forms written the way the field writes them, as sheet tables.

Each form is a mapping sheet name → rows (the first row is the header), written by hand
after real KoboToolbox/ODK forms: mixed label styles, old type names, or_other, groups,
repeats, calculate, metadata, choice filters with duplicate names, geopoint and image.
``ACCEPTED`` must import; ``REFUSED`` must be refused in one line naming the row and type
(each maps to (form, row, the type named)). ``python -m tests.data.xlsforms.corpus`` (re)writes
the .xlsx files next to this module; tests build them in a temporary directory with ``build``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl

Sheets = dict[str, list[list[Any]]]

YES_NO = [["yes_no", "yes", "بله", "Yes"], ["yes_no", "no", "خیر", "No"]]
SATISFACTION = [
    ["satisfaction", "1", "خیلی ناراضی", "Very dissatisfied"],
    ["satisfaction", "2", "ناراضی", "Dissatisfied"],
    ["satisfaction", "3", "نه راضی نه ناراضی", "Neutral"],
    ["satisfaction", "4", "راضی", "Satisfied"],
    ["satisfaction", "5", "خیلی راضی", "Very satisfied"],
]
FA_EN = ["label::Persian (fa)", "label::English (en)"]

ACCEPTED: dict[str, Sheets] = {
    "municipal_services": {
        "survey": [
            ["type", "name", "label::English (en)", "label::Farsi (fa)", "hint::English (en)", "required"],
            ["start", "start"],
            ["end", "end"],
            ["today", "today"],
            ["deviceid", "deviceid"],
            [
                "select_one satisfaction",
                "waste",
                "How satisfied are you with waste collection?",
                "از جمع‌آوری زباله چقدر راضی هستید؟",
                "1 = very dissatisfied",
                "yes",
            ],
            [
                "select_one satisfaction",
                "cleaning",
                "How satisfied are you with street cleaning?",
                "از نظافت خیابان‌ها چقدر راضی هستید؟",
                None,
                "yes",
            ],
            [
                "select_multiple services",
                "used",
                "Which services did you use this year?",
                "امسال از کدام خدمات استفاده کردید؟",
                "Tick all that apply",
                "no",
            ],
            ["text", "comment", "Anything else?", "نکتهٔ دیگری دارید؟", None, "no"],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Farsi (fa)"],
            *[[row[0], row[1], row[3], row[2]] for row in SATISFACTION],
            ["services", "permit", "Building permit", "پروانهٔ ساختمان"],
            ["services", "137", "Hotline 137", "سامانهٔ ۱۳۷"],
            ["services", "parks", "Parks and green space", "پارک و فضای سبز"],
        ],
        "settings": [
            ["form_title", "form_id", "version", "default_language"],
            ["Municipal service satisfaction", "municipal_services", "2024031501", "English (en)"],
        ],
    },
    "household_survey": {
        "survey": [
            [
                "type",
                "name",
                "label::Persian",
                "label::English",
                "required",
                "constraint",
                "constraint_message::English",
                "relevant",
                "calculation",
                "repeat_count",
            ],
            ["start", "start"],
            ["username", "username"],
            [
                "integer",
                "members",
                "چند نفر در خانوار زندگی می‌کنند؟",
                "How many people live in the household?",
                "yes",
                ". > 0 and . <= 20",
                "Between 1 and 20",
            ],
            [
                "integer",
                "children",
                "چند نفر زیر ۱۸ سال هستند؟",
                "How many are under 18?",
                "yes",
                ". <= ${members}",
                "Cannot be more than the household",
            ],
            ["calculate", "adults", None, None, None, None, None, None, "${members} - ${children}"],
            ["note", "adults_note", "تعداد بزرگسالان: ${adults}", "Adults: ${adults}"],
            ["select_one tenure", "tenure", "منزل شما؟", "Your home is", "yes"],
            [
                "decimal",
                "rent",
                "اجارهٔ ماهانه (میلیون تومان)",
                "Monthly rent (million toman)",
                "no",
                ". >= 0",
                None,
                "${tenure} = 'rented'",
            ],
            ["begin repeat", "member", "اعضای خانوار", "Household members", None, None, None, None, None, "${members}"],
            ["text", "member_name", "نام", "First name", "yes"],
            ["integer", "member_age", "سن", "Age", "yes", ". < 120", "Age in years"],
            ["end repeat", "member"],
        ],
        "choices": [
            ["list_name", "name", "label::Persian", "label::English"],
            ["tenure", "owned", "ملکی", "Owned"],
            ["tenure", "rented", "استیجاری", "Rented"],
            ["tenure", "other", "سایر", "Other"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language", "instance_name"],
            ["پرسشنامهٔ خانوار", "household_survey", "Persian", "concat('hh-', ${members})"],
        ],
    },
    "park_visit": {
        "survey": [
            ["type", "name", "label", "hint", "required", "appearance"],
            ["today", "visit_day"],
            ["select one parks", "park", "Which park did you visit?", None, "yes", "minimal"],
            ["select all that apply activities", "activities", "What did you do there?", "Choose all", "yes"],
            ["range", "cleanliness", "How clean was it (1-5)?", None, "yes"],
            ["geopoint", "spot", "Share where you sat", "Use the location button", "no"],
            ["image", "photo", "A photo of the park, if you like", None, "no"],
        ],
        "choices": [
            ["list_name", "name", "label"],
            ["parks", "mellat", "Mellat Park"],
            ["parks", "kuhsangi", "Kuhsangi Park"],
            ["parks", "vakil_abad", "Vakilabad Forest Park"],
            ["activities", "walk", "Walking"],
            ["activities", "sport", "Sport"],
            ["activities", "picnic", "Picnic"],
        ],
        "settings": [["form_title", "form_id"], ["Park visit", "park_visit"]],
    },
    "street_lighting_audit": {
        "survey": [
            ["type", "name", "label::فارسی", "label::English", "required", "parameters", "relevant"],
            ["start", "start"],
            ["end", "end"],
            ["phonenumber", "phone"],
            ["geopoint", "pole", "محل تیر چراغ را بفرستید", "Send the lamp post's location", "yes"],
            ["select_one working", "working", "چراغ روشن است؟", "Is the lamp working?", "yes"],
            [
                "image",
                "pole_photo",
                "عکس تیر چراغ",
                "Photo of the lamp post",
                "no",
                "max-pixels=1024",
                "${working} = 'no'",
            ],
            [
                "range",
                "brightness",
                "روشنایی (۰ تا ۱۰)",
                "Brightness (0 to 10)",
                "no",
                "start=0 end=10 step=2",
                "${working} = 'yes'",
            ],
        ],
        "choices": [
            ["list_name", "name", "label::فارسی", "label::English"],
            ["working", "yes", "روشن", "Working"],
            ["working", "no", "خاموش", "Not working"],
            ["working", "flicker", "چشمک‌زن", "Flickering"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language", "version"],
            ["ممیزی روشنایی معابر", "street_lighting_audit", "فارسی", "3"],
        ],
    },
    "bus_stop_check": {
        "survey": [
            ["type", "name", *FA_EN, "required"],
            ["select_one stops", "stop", "کدام ایستگاه؟", "Which stop?", "yes"],
            ["select_one yes_no", "shelter", "سایه‌بان دارد؟", "Does it have a shelter?", "yes"],
            ["select_multiple problems or_other", "problems", "چه مشکلاتی دارد؟", "What problems does it have?", "no"],
            ["integer", "wait", "چند دقیقه منتظر ماندید؟", "How many minutes did you wait?", "no"],
        ],
        "choices": [
            ["list_name", "name", *FA_EN],
            ["stops", "haram", "ایستگاه حرم", "Haram stop"],
            ["stops", "azadi", "ایستگاه آزادی", "Azadi stop"],
            *YES_NO,
            ["problems", "dirty", "کثیف", "Dirty"],
            ["problems", "broken", "صندلی شکسته", "Broken seat"],
            ["problems", "dark", "تاریک", "Dark at night"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["بازدید ایستگاه اتوبوس", "bus_stop_check", "Persian (fa)"],
        ],
    },
    "water_complaint": {
        "survey": [
            ["type", "name", "label::English", "label::Persian", "required", "relevant", "choice_filter"],
            ["select_one zone", "zone", "Which zone?", "کدام ناحیه؟", "yes"],
            ["select_one area", "area", "Which neighbourhood?", "کدام محله؟", "yes", None, "zone=${zone}"],
            ["select_one issue or_other", "issue", "What is the problem?", "مشکل چیست؟", "yes"],
            ["text", "details", "Describe it briefly", "به‌طور خلاصه شرح دهید", "no", "${issue} != 'no_water'"],
            ["phone number", "callback", "A phone number to call you back", "شماره تماس", "no"],
        ],
        "choices": [
            ["list_name", "name", "label::English", "label::Persian", "zone"],
            ["zone", "north", "North", "شمال"],
            ["zone", "south", "South", "جنوب"],
            ["area", "center", "Centre", "مرکز", "north"],
            ["area", "park", "Park side", "کنار پارک", "north"],
            ["area", "center", "Centre", "مرکز", "south"],
            ["area", "bazaar", "Bazaar", "بازار", "south"],
            ["issue", "no_water", "No water", "قطعی آب"],
            ["issue", "pressure", "Low pressure", "فشار کم"],
            ["issue", "colour", "Discoloured water", "آب کدر"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language", "allow_choice_duplicates"],
            ["Water complaints", "water_complaint", "English", "yes"],
        ],
    },
    "youth_forum_signup": {
        "survey": [
            ["type", "name", "label::Persian (fa)", "required", "constraint", "constraint_message::Persian (fa)"],
            ["text", "full_name", "نام و نام خانوادگی", "yes"],
            ["integer", "age", "سن شما؟", "yes", ". >= 15 and . <= 29", "این نشست برای ۱۵ تا ۲۹ ساله‌هاست"],
            ["select_one topics", "topic", "کدام موضوع برایتان مهم‌تر است؟", "yes"],
            ["acknowledge", "rules", "قوانین نشست را می‌پذیرم", "yes"],
        ],
        "choices": [
            ["list_name", "name", "label::Persian (fa)"],
            ["topics", "jobs", "اشتغال"],
            ["topics", "housing", "مسکن"],
            ["topics", "culture", "فرهنگ و ورزش"],
        ],
        "settings": [["form_title", "form_id"], ["ثبت‌نام نشست جوانان", "youth_forum_signup"]],
    },
    "old_names_form": {
        "survey": [
            ["type", "name", "label::english", "label::farsi", "required"],
            ["add text prompt", "street", "Street name", "نام خیابان", "yes"],
            ["add integer prompt", "potholes", "How many potholes?", "چند چاله؟", "yes"],
            ["add select one prompt using yes_no", "dangerous", "Is it dangerous?", "خطرناک است؟", "yes"],
            ["add decimal prompt", "length", "Length of the damaged part (m)", "طول بخش خراب (متر)", "no"],
            ["add date prompt", "seen", "When did you see it?", "کی دیدید؟", "no"],
            ["add location prompt", "where", "Where is it?", "کجاست؟", "no"],
        ],
        "choices": [
            ["list_name", "name", "label::english", "label::farsi"],
            *[[r[0], r[1], r[3], r[2]] for r in YES_NO],
        ],
        "settings": [["form_title", "form_id", "default_language"], ["Road damage", "old_names_form", "english"]],
    },
    "green_space_priorities": {
        "survey": [
            ["type", "name", *FA_EN, "required", "hint::Persian (fa)", "hint::English (en)"],
            [
                "rank priorities",
                "ranking",
                "این موارد را به ترتیب اهمیت مرتب کنید",
                "Rank these by importance",
                "yes",
                "مهم‌ترین اول",
                "Most important first",
            ],
            ["select_one yes_no", "volunteer", "حاضرید داوطلب شوید؟", "Would you volunteer?", "yes"],
            ["trigger", "thanks", "از همکاری شما سپاسگزاریم", "Thank you for helping", "no"],
        ],
        "choices": [
            ["list_name", "name", *FA_EN],
            ["priorities", "trees", "کاشت درخت", "Planting trees"],
            ["priorities", "benches", "نیمکت", "Benches"],
            ["priorities", "lights", "روشنایی", "Lighting"],
            *YES_NO,
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["اولویت‌های فضای سبز", "green_space_priorities", "Persian (fa)"],
        ],
    },
    "traffic_calming": {
        "survey": [
            [
                "type",
                "name",
                "label::English (en)",
                "label::Persian (fa)",
                "required",
                "relevant",
                "default",
                "read_only",
                "calculation",
            ],
            ["select_one yes_no", "school_near", "Is there a school nearby?", "مدرسه نزدیک است؟", "yes"],
            ["integer", "speed", "Typical car speed (km/h)", "سرعت معمول خودروها", "yes", None, "40"],
            [
                "calculate",
                "too_fast",
                None,
                None,
                None,
                None,
                None,
                None,
                "if(${speed} > 30 and ${school_near} = 'yes', 'yes', 'no')",
            ],
            [
                "note",
                "warning",
                "Cars are too fast near a school.",
                "خودروها نزدیک مدرسه تند می‌روند.",
                None,
                "${too_fast} = 'yes'",
            ],
            ["text", "form_note", "Form reference", "شمارهٔ فرم", "no", None, "TC-2024", "yes"],
            ["select_multiple measures", "measures", "Which measures would help?", "چه اقداماتی کمک می‌کند؟", "yes"],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Persian (fa)"],
            *[[r[0], r[1], r[3], r[2]] for r in YES_NO],
            ["measures", "bump", "Speed bump", "سرعت‌گیر"],
            ["measures", "camera", "Speed camera", "دوربین"],
            ["measures", "crossing", "Zebra crossing", "خط عابر پیاده"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["Traffic calming", "traffic_calming", "English (en)"],
        ],
    },
    "market_vendors": {
        "survey": [
            ["type", "name", "label", "required", "calculation"],
            ["text", "market", "Market name", "yes"],
            ["begin repeat", "stall", "Stalls"],
            ["text", "goods", "What does this stall sell?", "yes"],
            ["select_one yes_no", "licensed", "Does it have a licence?", "yes"],
            ["end repeat"],
            ["calculate", "stall_count", None, None, "count(${stall})"],
            ["note", "summary", "You described ${stall_count} stalls."],
        ],
        "choices": [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]],
        "settings": [["form_title", "form_id"], ["Market vendors", "market_vendors"]],
    },
    "cultural_centre_feedback": {
        "survey": [
            ["type", "name", "label::Dari", "label::English", "label::Persian", "required"],
            ["select_one centre", "centre", "کدام مرکز فرهنگی؟", "Which cultural centre?", "کدام فرهنگسرا؟", "yes"],
            [
                "select_one satisfaction",
                "program",
                "از برنامه‌ها راضی هستید؟",
                "Are you happy with the programmes?",
                "از برنامه‌ها راضی هستید؟",
                "yes",
            ],
            ["text", "wish", "چه برنامه‌ای می‌خواهید؟", "What programme would you like?", "چه برنامه‌ای می‌خواهید؟", "no"],
        ],
        "choices": [
            ["list_name", "name", "label::Dari", "label::English", "label::Persian"],
            ["centre", "ferdowsi", "فرهنگسرای فردوسی", "Ferdowsi centre", "فرهنگسرای فردوسی"],
            ["centre", "golshan", "فرهنگسرای گلشن", "Golshan centre", "فرهنگسرای گلشن"],
            *[[r[0], r[1], r[2], r[3], r[2]] for r in SATISFACTION],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["Cultural centre feedback", "cultural_centre_feedback", "Persian"],
        ],
    },
    "pilgrim_services": {
        "survey": [
            ["type", "name", "label::Arabic (ar)", "label::Persian (fa)", "label::English (en)", "required"],
            ["select_one country", "country", "من أين أنت؟", "اهل کجا هستید؟", "Where are you from?", "yes"],
            ["integer", "nights", "كم ليلة تبقى؟", "چند شب می‌مانید؟", "How many nights are you staying?", "yes"],
            [
                "select_multiple needs or_other",
                "needs",
                "ماذا تحتاج؟",
                "به چه چیزی نیاز دارید؟",
                "What do you need?",
                "no",
            ],
        ],
        "choices": [
            ["list_name", "name", "label::Arabic (ar)", "label::Persian (fa)", "label::English (en)"],
            ["country", "iraq", "العراق", "عراق", "Iraq"],
            ["country", "bahrain", "البحرين", "بحرین", "Bahrain"],
            ["country", "iran", "إيران", "ایران", "Iran"],
            ["needs", "map", "خريطة", "نقشه", "A map"],
            ["needs", "guide", "مرشد", "راهنما", "A guide"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["خدمات زائران", "pilgrim_services", "Persian (fa)"],
        ],
    },
    "snow_clearing": {
        "survey": [
            ["type", "name", "label::English (en)", "required", "relevant", "calculation"],
            ["date", "snow_day", "On which day was your street blocked?", "yes"],
            ["integer", "hours", "For how many hours?", "yes"],
            ["calculate", "days", None, None, None, "round(${hours} div 24, 1)"],
            ["calculate", "month", None, None, None, "substr(${snow_day}, 0, 7)"],
            ["select_one yes_no", "cleared", "Was it cleared by the municipality?", "yes"],
            ["text", "who", "Who cleared it?", "no", "${cleared} = 'no'"],
        ],
        "choices": [["list_name", "name", "label::English (en)"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]],
        "settings": [["form_title", "form_id", "default_language"], ["Snow clearing", "snow_clearing", "English (en)"]],
    },
    "library_users": {
        "survey": [
            ["type", "name", "label::Persian (fa)", "label::English (en)", "required", "relevant", "calculation"],
            ["select_multiple genres", "genres", "چه کتاب‌هایی می‌خوانید؟", "What do you read?", "yes"],
            ["calculate", "n_genres", None, None, None, None, "count-selected(${genres})"],
            ["calculate", "first_genre", None, None, None, None, "selected-at(${genres}, 0)"],
            ["calculate", "first_label", None, None, None, None, "jr:choice-name(${first_genre}, '${genres}')"],
            ["text", "why_many", "چرا این‌قدر متنوع؟", "Why so many kinds?", "no", "${n_genres} > 2"],
            ["hidden", "source"],
        ],
        "choices": [
            ["list_name", "name", "label::Persian (fa)", "label::English (en)"],
            ["genres", "novel", "رمان", "Novels"],
            ["genres", "poetry", "شعر", "Poetry"],
            ["genres", "history", "تاریخ", "History"],
            ["genres", "science", "علمی", "Science"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["کاربران کتابخانه", "library_users", "Persian (fa)"],
        ],
    },
    "stray_animals": {
        "survey": [
            ["type", "name", "label::Kurdish", "label::Persian (fa)", "required"],
            ["select_one animals", "animal", "چ ئاژەڵێک؟", "چه حیوانی؟", "yes"],
            ["integer", "count", "چەند دانە؟", "چند تا؟", "yes"],
            ["gps", "seen_at", "لە کوێ؟", "کجا دیدید؟", "no"],
        ],
        "choices": [
            ["list_name", "name", "label::Kurdish", "label::Persian (fa)"],
            ["animals", "dog", "سەگ", "سگ"],
            ["animals", "cat", "پشیلە", "گربه"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["حیوانات بی‌صاحب", "stray_animals", "Persian (fa)"],
        ],
    },
    "sidewalk_accessibility": {
        "survey": [
            ["type", "name", *FA_EN, "required", "relevant"],
            ["begin group", "place", "محل", "Place"],
            ["text", "street", "نام خیابان", "Street name", "yes"],
            ["select_one yes_no", "ramp", "رمپ ویلچر دارد؟", "Is there a wheelchair ramp?", "yes"],
            ["end group"],
            ["begin group", "problems", "مشکلات", "Problems", None, "${ramp} = 'no'"],
            ["select_multiple obstacles", "obstacles", "چه موانعی هست؟", "What obstacles are there?", "yes"],
            ["image", "obstacle_photo", "عکس مانع", "Photo of the obstacle", "no"],
            ["end group"],
        ],
        "choices": [
            ["list_name", "name", *FA_EN],
            *YES_NO,
            ["obstacles", "cars", "خودروی پارک‌شده", "Parked cars"],
            ["obstacles", "stalls", "دست‌فروش", "Street stalls"],
            ["obstacles", "holes", "چاله", "Holes"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["دسترس‌پذیری پیاده‌رو", "sidewalk_accessibility", "Persian (fa)"],
        ],
    },
    "noise_report": {
        "survey": [
            ["type", "name", "label::Turkish", "label::Azerbaijani", "label::Persian (fa)", "required"],
            ["select_one sources", "source", "Gürültü nereden geliyor?", "Səs haradan gəlir?", "صدا از کجاست؟", "yes"],
            ["range", "loudness", "Ne kadar yüksek?", "Nə qədər yüksək?", "چقدر بلند است؟", "yes"],
            ["time", "when", "Saat kaçta?", "Saat neçədə?", "چه ساعتی؟", "no"],
        ],
        "choices": [
            ["list_name", "name", "label::Turkish", "label::Azerbaijani", "label::Persian (fa)"],
            ["sources", "traffic", "Trafik", "Nəqliyyat", "ترافیک"],
            ["sources", "building", "İnşaat", "Tikinti", "ساخت‌وساز"],
        ],
        "settings": [["form_title", "form_id", "default_language"], ["گزارش سروصدا", "noise_report", "Persian (fa)"]],
    },
    "shelter_needs": {
        "survey": [
            ["type", "name", "label::English (en)", "label::Persian (fa)", "required", "relevant", "calculation"],
            ["audit", "audit"],
            ["begin repeat", "person", "People staying here", "افراد ساکن"],
            ["text", "pname", "Name", "نام", "yes"],
            ["select_one gender", "gender", "Gender", "جنسیت", "yes"],
            ["integer", "page", "Age", "سن", "yes"],
            ["end repeat"],
            ["calculate", "people", None, None, None, None, "count(${person})"],
            ["calculate", "total_age", None, None, None, None, "sum(${page})"],
            ["select_one yes_no", "blankets", "Do you have enough blankets?", "پتوی کافی دارید؟", "yes"],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Persian (fa)"],
            ["gender", "f", "Female", "زن"],
            ["gender", "m", "Male", "مرد"],
            *[[r[0], r[1], r[3], r[2]] for r in YES_NO],
        ],
        "settings": [["form_title", "form_id", "default_language"], ["Shelter needs", "shelter_needs", "English (en)"]],
    },
    "school_route_safety": {
        "survey": [
            [
                "type",
                "name",
                "label::Persian (fa)",
                "label::English (en)",
                "required",
                "relevant",
                "calculation",
                "constraint",
            ],
            ["select_one schools", "school", "مدرسهٔ فرزندتان؟", "Your child's school?", "yes"],
            [
                "text",
                "child_name",
                "نام فرزند",
                "Child's first name",
                "yes",
                None,
                None,
                "string-length(.) >= 2 and not(contains(., '0'))",
            ],
            ["calculate", "greeting", None, None, None, None, "concat('سلام ', ${child_name})"],
            [
                "select_one yes_no",
                "walks",
                "${child_name} پیاده به مدرسه می‌رود؟",
                "Does ${child_name} walk to school?",
                "yes",
            ],
            ["integer", "minutes", "چند دقیقه راه است؟", "How many minutes is the walk?", "yes", "${walks} = 'yes'"],
            ["calculate", "long_walk", None, None, None, None, "if(coalesce(${minutes}, 0) > 20, 'long', 'short')"],
            [
                "select_multiple dangers",
                "dangers",
                "خطرات مسیر؟",
                "Dangers on the way?",
                "no",
                "starts-with(${walks}, 'y')",
            ],
        ],
        "choices": [
            ["list_name", "name", "label::Persian (fa)", "label::English (en)"],
            ["schools", "s1", "دبستان شهید بهشتی", "Beheshti primary"],
            ["schools", "s2", "دبستان فردوسی", "Ferdowsi primary"],
            *YES_NO,
            ["dangers", "crossing", "گذرگاه خطرناک", "Dangerous crossing"],
            ["dangers", "dogs", "سگ ولگرد", "Stray dogs"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["ایمنی مسیر مدرسه", "school_route_safety", "Persian (fa)"],
        ],
    },
    "event_registration": {
        "survey": [
            ["type", "name", "label::English (en)", "label::Persian (fa)", "required", "calculation"],
            ["start", "started"],
            ["username", "user"],
            ["email", "mail"],
            ["date", "event_day", "Which day will you come?", "کدام روز می‌آیید؟", "yes"],
            ["calculate", "decimal_day", None, None, None, "decimal-date-time(${event_day})"],
            ["calculate", "registered", None, None, None, "now()"],
            ["calculate", "weekday_check", None, None, None, "int(number(${decimal_day}) mod 7)"],
            ["integer", "guests", "How many guests?", "چند مهمان؟", "no"],
            ["calculate", "seats", None, None, None, "1 + coalesce(${guests}, 0)"],
            ["calculate", "day", None, None, None, "date(${event_day})"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["Neighbourhood festival", "event_registration", "English (en)"],
        ],
    },
    "housing_repairs": {
        "survey": [
            ["type", "name", "label::English (en)", "label::Persian (fa)", "required", "choice_filter"],
            ["select_one building_type", "btype", "What kind of building?", "نوع ساختمان؟", "yes"],
            [
                "select_one repair",
                "repair",
                "What needs repair?",
                "چه چیزی تعمیر لازم دارد؟",
                "yes",
                "kind = ${btype} or kind = 'any'",
            ],
            ["image", "damage", "A photo of the damage", "عکس خرابی", "no"],
            ["audio", "voice_note", "Describe it in a voice note", "با پیام صوتی توضیح دهید", "no"],
            ["file", "document", "Any document (PDF)", "مدرک (PDF)", "no"],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Persian (fa)", "kind"],
            ["building_type", "house", "House", "خانه"],
            ["building_type", "flat", "Flat", "آپارتمان"],
            ["repair", "roof", "Roof", "سقف", "house"],
            ["repair", "lift", "Lift", "آسانسور", "flat"],
            ["repair", "pipes", "Pipes", "لوله‌کشی", "any"],
        ],
        "settings": [
            ["form_title", "form_id", "default_language"],
            ["Housing repairs", "housing_repairs", "English (en)"],
        ],
    },
}

REFUSED: dict[str, tuple[Sheets, int, str]] = {
    "streets_from_file": (
        {
            "survey": [
                ["type", "name", "label"],
                ["text", "who", "Your name"],
                ["select_one_from_file streets.csv", "street", "Which street?"],
            ],
            "settings": [["form_id"], ["streets_from_file"]],
        },
        3,
        "select_one_from_file",
    ),
    "bus_route_trace": (
        {
            "survey": [
                ["type", "name", "label::English (en)"],
                ["select_one yes_no", "rode", "Did you ride the bus?"],
                ["geotrace", "route", "Trace the route you took"],
            ],
            "choices": [["list_name", "name", "label::English (en)"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]],
            "settings": [["form_id"], ["bus_route_trace"]],
        },
        3,
        "geotrace",
    ),
    "park_boundary": (
        {
            "survey": [
                ["type", "name", "label"],
                ["text", "park", "Park name"],
                ["geoshape", "outline", "Draw the park's outline"],
            ],
            "settings": [["form_id"], ["park_boundary"]],
        },
        3,
        "geoshape",
    ),
    "permit_signature": (
        {
            "survey": [
                ["type", "name", "label::Persian (fa)", "appearance"],
                ["text", "owner", "نام مالک"],
                ["note", "terms", "شرایط را بخوانید"],
                ["image", "sign", "امضا کنید", "signature"],
            ],
            "settings": [["form_id"], ["permit_signature"]],
        },
        4,
        "image (signature)",
    ),
    "nested_households": (
        {
            "survey": [
                ["type", "name", "label"],
                ["begin repeat", "household", "Households"],
                ["text", "head", "Head of household"],
                ["begin repeat", "member", "Members"],
                ["text", "mname", "Member name"],
                ["end repeat"],
                ["end repeat"],
            ],
            "settings": [["form_id"], ["nested_households"]],
        },
        4,
        "begin repeat",
    ),
}


def write_workbook(sheets: Sheets, file: Path) -> Path:
    """Write one form's sheets to ``file`` as .xlsx."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(file)
    return file


def build(directory: Path) -> dict[str, Path]:
    """Write every accepted and refused form to ``directory``; name → path."""
    directory.mkdir(parents=True, exist_ok=True)
    forms = {**ACCEPTED, **{name: sheets for name, (sheets, _, _) in REFUSED.items()}}
    return {name: write_workbook(sheets, directory / f"{name}.xlsx") for name, sheets in forms.items()}


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent).values():
        print(path)
