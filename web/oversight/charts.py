"""Server-rendered SVG charts for the managers' pages: no script, no library, and no style
attribute (the Content-Security-Policy allows none), only SVG presentation attributes.

A chart is one image to a screen reader (``role="img"``, its children are not read) with a
summary as its label; the table beside it is the accessible version of the figures.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from workflows.meeting_counts import BodyYear

HELD_COLOUR = "#0b4f8a"  # the site's accent
PLANNED_COLOUR = "#9cc3e6"
SHORT_COLOUR = "#a4161a"  # the site's error colour, 7:1 on white
TEXT_COLOUR = "#1b1b1b"
# Each body's name stands above its bar, so that a long name is never cut off.
BAR_WIDTH, NOTE_WIDTH = 420, 240
ROW_HEIGHT, TOP, NAME_HEIGHT, BAR_HEIGHT = 58, 34, 22, 18
LEGEND_STEP = 130


def frequency_chart(rows: list[BodyYear]) -> Markup:
    """Per body a bar of meetings held and planned, with the minimum marked; a body that can
    no longer reach its minimum says so in words beside its bar, in red."""
    scale = max([1, *(max(r.minimum, r.held + r.planned) for r in rows)])
    width = BAR_WIDTH + NOTE_WIDTH
    height = TOP + ROW_HEIGHT * len(rows) + 8
    unit = BAR_WIDTH / scale
    parts = [_legend()]
    for index, row in enumerate(rows):
        parts.append(_bar(row, TOP + index * ROW_HEIGHT, unit))
    label = escape(frequency_summary(rows))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{label}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" '
        f'font-size="14">{"".join(parts)}</svg>')


def frequency_summary(rows: list[BodyYear]) -> str:
    """One sentence per body, for the chart's label."""
    if not rows:
        return _("No meetings to show.")
    sentences = [_("%(body)s: %(held)d held, %(planned)d planned, minimum %(minimum)d "
                   "(%(verdict)s).", body=row.name, held=row.held, planned=row.planned,
                   minimum=row.minimum, verdict=verdict(row))
                 for row in rows]
    return " ".join([*sentences, _("The table below gives the figures per quarter.")])


def verdict(row: BodyYear) -> str:
    """The body's state in words: the colour is never the only sign."""
    if row.met:
        return _("minimum met")
    if row.reachable:
        return _("on track")
    return ngettext("short by %(num)d", "short by %(num)d", row.shortfall)


def _legend() -> str:
    held, planned, minimum = 0, LEGEND_STEP, 2 * LEGEND_STEP
    return (f'<rect x="{held}" y="6" width="14" height="14" fill="{HELD_COLOUR}"/>'
            f'<text x="{held + 20}" y="18" fill="{TEXT_COLOUR}">{escape(_("held"))}</text>'
            f'<rect x="{planned}" y="6" width="14" height="14" fill="{PLANNED_COLOUR}" '
            f'stroke="{HELD_COLOUR}"/>'
            f'<text x="{planned + 20}" y="18" fill="{TEXT_COLOUR}">{escape(_("planned"))}</text>'
            f'<line x1="{minimum + 6}" y1="4" x2="{minimum + 6}" y2="22" stroke="{TEXT_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="4 2"/>'
            f'<text x="{minimum + 16}" y="18" fill="{TEXT_COLOUR}">{escape(_("minimum"))}</text>')


def _bar(row: BodyYear, y: int, unit: float) -> str:
    bar = y + NAME_HEIGHT
    held_width, planned_width = row.held * unit, row.planned * unit
    minimum_x = row.minimum * unit
    middle = bar + BAR_HEIGHT / 2 + 5
    note_colour = SHORT_COLOUR if not row.reachable else TEXT_COLOUR
    return (
        f'<text x="0" y="{y + 15}" fill="{TEXT_COLOUR}" lang="nl">{escape(row.name)}</text>'
        f'<rect x="0" y="{bar}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#f1f1f1"/>'
        f'<rect x="0" y="{bar}" width="{held_width:.1f}" height="{BAR_HEIGHT}" '
        f'fill="{HELD_COLOUR}"/>'
        f'<rect x="{held_width:.1f}" y="{bar}" width="{planned_width:.1f}" '
        f'height="{BAR_HEIGHT}" fill="{PLANNED_COLOUR}"/>'
        f'<line x1="{minimum_x:.1f}" y1="{bar - 4}" x2="{minimum_x:.1f}" '
        f'y2="{bar + BAR_HEIGHT + 4}" stroke="{TEXT_COLOUR}" stroke-width="2" '
        f'stroke-dasharray="4 2"/>'
        f'<text x="{BAR_WIDTH + 12}" y="{middle:.0f}" fill="{note_colour}" '
        f'font-weight="{700 if not row.reachable else 400}">'
        f'{row.held}+{row.planned}/{row.minimum} {escape(verdict(row))}</text>')
