"""The digest's charts as PNG images (matplotlib, which shapes Persian text itself)."""

from __future__ import annotations

import io
import json
import textwrap
from dataclasses import dataclass

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from shapely.geometry import shape

from backend.digest.build import Digest, SurveySection
from backend.locales import localize_number
from backend.plan import Plan
from backend.surveys.model import RANK_TYPES, QuestionType, localize
from reports.digest.tables import answer_label, name_of
from reports.labels import label

PREFERRED_FONTS = ("Vazirmatn", "Noto Sans Arabic", "DejaVu Sans")  # DejaVu Sans comes with matplotlib
FONTS = [name for name in PREFERRED_FONTS if name in {font.name for font in font_manager.fontManager.ttflist}]
CURRENT, PREVIOUS = "#0b6e4f", "#a7c4b5"
CHARTED = frozenset(
    {
        QuestionType.SELECT_ONE,
        QuestionType.SELECT_MULTIPLE,
        QuestionType.RANK,
        QuestionType.RANGE,
        QuestionType.DISTRICT,
        QuestionType.AXIS,
        QuestionType.AXES_RANK,
    }
)
MOST_BARS = 15
TITLE_WIDTH = 60  # characters a title line holds


@dataclass(frozen=True)
class Chart:
    """A chart: a file-safe ``key``, its ``title`` and the PNG bytes."""

    key: str
    title: str
    png: bytes


def _figure(bars: int) -> Figure:
    figure = Figure(figsize=(6.4, 1.3 + 0.4 * max(bars, 2)), dpi=110, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _style(axes, lang: str, xlabel: str) -> None:  # type: ignore[no-untyped-def]
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: localize_number(int(x), lang)))
    axes.set_xlabel(xlabel, fontfamily=FONTS)
    axes.spines[["top", "right"]].set_visible(False)
    axes.invert_yaxis()  # first row on top
    if lang == "fa":  # right to left: bars grow leftwards from names on the right
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.spines[["top", "left"]].set_visible(False)
        axes.spines["right"].set_visible(True)
    for text in axes.get_yticklabels():
        text.set_fontfamily(FONTS)


def compared_bars(key: str, title: str, table: pd.DataFrame, names: list[str], lang: str, xlabel: str) -> Chart:
    """Two bars per row: this period and the one before (``current``, ``previous`` columns)."""
    figure = _figure(len(names))
    axes = figure.add_subplot()
    positions = range(len(names))
    axes.barh(
        [p - 0.2 for p in positions],
        table.current,
        height=0.4,
        color=CURRENT,
        label=label("digest.columns.current", lang),
    )
    axes.barh(
        [p + 0.2 for p in positions],
        table.previous,
        height=0.4,
        color=PREVIOUS,
        label=label("digest.columns.previous", lang),
    )
    axes.set_yticks(list(positions), names)
    _style(axes, lang, xlabel)
    axes.legend(prop={"family": FONTS}, frameon=False)
    axes.set_title(textwrap.fill(title, TITLE_WIDTH), fontfamily=FONTS)
    return Chart(key, title, _png(figure))


def answer_bars(key: str, title: str, names: list[str], counts: list[int], lang: str, xlabel: str) -> Chart:
    """One bar per answer."""
    figure = _figure(len(names))
    axes = figure.add_subplot()
    axes.barh(range(len(names)), counts, color=CURRENT)
    axes.set_yticks(range(len(names)), names)
    _style(axes, lang, xlabel)
    axes.set_title(textwrap.fill(title, TITLE_WIDTH), fontfamily=FONTS)
    return Chart(key, title, _png(figure))


def _outline(axes, geojson: str, **style: object) -> None:  # type: ignore[no-untyped-def]
    """Draw a (Multi)Polygon's rings as lines."""
    geometry = shape(json.loads(geojson))
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in (polygon.exterior, *polygon.interiors):
            axes.plot(*ring.xy, **style)


def point_map(key: str, title: str, plan: Plan, points: pd.DataFrame, lang: str) -> Chart:
    """The points shared, coloured by district, over the city's outline and the district borders
    (no map tiles: the plan's boundaries only)."""
    figure = Figure(figsize=(6.4, 6.4), dpi=110, layout="constrained")
    axes = figure.add_subplot()
    if plan.city_outline:
        _outline(axes, plan.city_outline, color="#555555", linewidth=1.6)
    for boundary in plan.district_boundaries.values():
        _outline(axes, boundary, color="#9aa5a0", linewidth=0.8)
    colours = matplotlib.colormaps["tab20"]
    for index, (district, shared) in enumerate(points.groupby(points["district"].fillna(""), sort=True)):
        name = name_of(plan, "district", district, lang) if district else label("digest.charts.no_district", lang)
        axes.scatter(
            shared.longitude,
            shared.latitude,
            s=18,
            color=colours(index % 20),
            label=f"{name} ({localize_number(len(shared), lang)})",
        )
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.legend(prop={"family": FONTS}, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    axes.set_title(textwrap.fill(title, TITLE_WIDTH), fontfamily=FONTS)
    return Chart(key, title, _png(figure))


def _survey_charts(digest: Digest, section: SurveySection, lang: str) -> list[Chart]:
    charts = []
    if digest.plan.district_boundaries and not section.points.empty:
        title = f"{localize(section.definition.title, lang)}: {label('digest.charts.points_map', lang)}"
        charts.append(point_map(f"survey-{section.survey.code}-map", title, digest.plan, section.points, lang))
    values = section.results.values
    for question in section.definition.questions:
        if question.type not in CHARTED:
            continue
        given = values[values.question == question.name].head(MOST_BARS)
        if given.empty:
            continue
        if question.type is QuestionType.RANGE:  # a scale reads in its own order
            given = given.sort_values("value")
        ranked = question.type in RANK_TYPES
        xlabel = label("digest.charts.first_choice" if ranked else "digest.charts.answers", lang)
        charts.append(
            answer_bars(
                f"survey-{section.survey.code}-{question.name}",
                localize(question.label, lang),
                [answer_label(section, digest.plan, question.name, v, lang) for v in given.value],
                [int(n) for n in given["count"]],
                lang,
                xlabel,
            )
        )
    return charts


def digest_charts(digest: Digest, lang: str) -> list[Chart]:
    """Findings by axis and meetings by source against the period before, then each open survey's
    map of shared points (when the plan has district boundaries) and charted questions (choices,
    ratings, rankings)."""
    plan, participation = digest.plan, digest.participation
    axes = participation.findings["axis"]
    sources = participation.meetings
    charts = [
        compared_bars(
            "findings-by-axis",
            label("digest.charts.axis", lang),
            axes,
            [name_of(plan, "axis", a, lang) for a in axes.index],
            lang,
            label("digest.charts.findings", lang),
        ),
        compared_bars(
            "meetings-by-source",
            label("digest.charts.source", lang),
            sources,
            [name_of(plan, "source", s, lang) for s in sources.index],
            lang,
            label("digest.charts.meetings", lang),
        ),
    ]
    for section in digest.surveys:
        charts.extend(_survey_charts(digest, section, lang))
    return charts
