"""Unruled tables: columns found from text alignment, rows from line spacing and rules.

Each visual line is cut into *segments* where words are separated by a column-sized gap.
A table is a run of lines, most of them with two or more segments, whose segments leave the
same vertical white corridors (*gutters*) free; lines with one segment may join the run when
they fit inside one column (a wrapped cell). Horizontal rules, where the table has them
(booktabs-style tables have rules but no vertical lines), bound the table and separate rows.

Rows: when the table leaves extra space between rows, a row is a group of tightly spaced
lines; otherwise each line is a row, except that a line with nothing in the first column
continues the row above (a wrapped cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from ingest.pdf_grid import CellGrid, boxes_to_grid
from ingest.pdf_text import (
    BULLET_GLYPHS,
    ENUMERATION_START,
    UNMAPPED_GLYPH,
    TextLine,
    Word,
    starts_new_row,
    wrapped_columns,
)
from ingest.settings import check_field_types, check_range

Rule = tuple[float, float, float]
"""A horizontal rule: (x0, y, x1)."""


@dataclass(frozen=True)
class Segment:
    """Words of one line that belong together (no column-sized gap between them)."""

    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True)
class AlignedLine:
    line: TextLine
    segments: tuple[Segment, ...]

    @property
    def is_multi(self) -> bool:
        return len(self.segments) >= 2


@dataclass(frozen=True)
class UnruledSettings:
    """Knobs of the text-alignment table finder (see :class:`ingest.pdf.PdfSettings`)."""

    min_column_gap: float = 6.0
    column_gap_ratio: float = 0.9
    min_gutter_width: float = 2.0
    min_rows: int = 3
    max_line_gap_ratio: float = 1.6
    min_rule_cover: float = 0.6

    def __post_init__(self) -> None:
        check_field_types(self)
        for name in ("min_column_gap", "column_gap_ratio", "min_gutter_width", "max_line_gap_ratio"):
            check_range(self, name)
        check_range(self, "min_rows", 1)
        check_range(self, "min_rule_cover", 0.0, 1.0)


def line_to_segments(line: TextLine, settings: UnruledSettings) -> tuple[Segment, ...]:
    """Cut a line where words are a column gap apart. A leading bullet or list marker stays
    with its text, so a bulleted or numbered list is not a two-column table."""
    groups: list[list[Word]] = []
    for word in line.words:
        gap_needed = max(settings.min_column_gap, settings.column_gap_ratio * word.size)
        if groups and word.x0 - groups[-1][-1].x1 < gap_needed:
            groups[-1].append(word)
        else:
            groups.append([word])
    if len(groups) >= 2 and _is_marker(groups[0]) and len(groups) == 2:
        groups = [groups[0] + groups[1]]
    return tuple(Segment(tuple(group)) for group in groups)


def _is_marker(words: Sequence[Word]) -> bool:
    text = " ".join(word.text for word in words)
    return (
        text in BULLET_GLYPHS
        or bool(ENUMERATION_START.fullmatch(text))
        or bool(UNMAPPED_GLYPH.fullmatch(text))
        or text in ("-", "–", "o")
    )


def gutters(lines: Sequence[AlignedLine], min_width: float) -> list[tuple[float, float]]:
    """White corridors between the segments of the given lines, left to right."""
    spans = sorted((segment.x0, segment.x1) for aligned in lines for segment in aligned.segments)
    if not spans:
        return []
    out = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= min_width:
            out.append((reach, x0))
        reach = max(reach, x1)
    return out


def _crosses(aligned: AlignedLine, corridors: Sequence[tuple[float, float]]) -> bool:
    return any(seg.x0 < g1 and seg.x1 > g0 for seg in aligned.segments for g0, g1 in corridors)


def lines_to_aligned_runs(lines: Sequence[TextLine], settings: UnruledSettings) -> list[list[AlignedLine]]:
    """Runs of lines that share gutters: candidate tables, before judging. Runs that are
    sections of one table (see :func:`join_sections`) are joined."""
    runs: list[list[AlignedLine]] = []
    loose: list[list[AlignedLine]] = [[]]  # lines in no run, after each run
    run: list[AlignedLine] = []
    for line in sorted(lines, key=lambda item: (item.top, item.x0)):
        aligned = AlignedLine(line, line_to_segments(line, settings))
        if run and _fits(run, aligned, settings):
            run.append(aligned)
            continue
        if run:
            runs.append(run)
            loose.append([])
        run = [aligned] if aligned.is_multi else []
        if not run:
            loose[-1].append(aligned)
    if run:
        runs.append(run)
    runs = join_sections(runs, loose[1:], settings)
    return [_trim_tail(run) for run in runs if sum(1 for a in run if a.is_multi) >= settings.min_rows]


MAX_SECTION_GAP_RATIO = 4.0
"""Widest space between two sections of one unruled table, in line heights."""
MAX_SECTION_HEADING_LINES = 2
"""Lines of heading between two sections of one unruled table."""


def join_sections(
    runs: list[list[AlignedLine]], between: Sequence[Sequence[AlignedLine]], settings: UnruledSettings
) -> list[list[AlignedLine]]:
    """Join consecutive runs that are sections of one table: the extra space and the
    section heading between them broke the run, but the next run's gutters are the same as
    the one before's (as many, each overlapping one), the space is at most
    ``MAX_SECTION_GAP_RATIO`` line heights, and the heading lines between, if any, sit
    within the first column."""
    if not runs:
        return runs
    joined = [runs[0]]
    for index, run in enumerate(runs[1:]):
        middle = list(between[index]) if index < len(between) else []
        last = joined[-1]
        columns_go_on = _same_columns(last, run, settings) or _continues_one_side(last, run, settings)
        if columns_go_on and _section_gap(last, middle, run, settings):
            joined[-1] = last + middle + run
        else:
            joined.append(run)
    return joined


def _same_columns(upper: Sequence[AlignedLine], lower: Sequence[AlignedLine], settings: UnruledSettings) -> bool:
    a = gutters([x for x in upper if x.is_multi], settings.min_gutter_width)
    b = gutters([x for x in lower if x.is_multi], settings.min_gutter_width)
    if not a or len(a) != len(b):
        return False
    return all(min(g1, h1) >= max(g0, h0) for (g0, g1), (h0, h1) in zip(a, b))


def _continues_one_side(upper: Sequence[AlignedLine], lower: Sequence[AlignedLine], settings: UnruledSettings) -> bool:
    """Does the lower run go on in the columns on one side of a clear gutter of the upper
    run (one that none of its lines crosses), with the same gutters there? Two tables side
    by side whose rows keep step are one run until the shorter one ends; the longer one's
    last rows then form a narrower run of their own (and the run's different lengths are
    what parts the two, :func:`split_side_by_side`)."""
    upper_multi = [a for a in upper if a.is_multi]
    a = gutters(upper_multi, settings.min_gutter_width)
    b = gutters([x for x in lower if x.is_multi], settings.min_gutter_width)
    if not b or len(b) >= len(a):
        return False
    for index, corridor in enumerate(a):
        if any(_crosses(line, [corridor]) for line in upper):
            continue
        g0, g1 = corridor
        sides = (
            (a[:index], all(x.line.x1 <= g0 + 0.01 for x in lower)),
            (a[index + 1 :], all(x.line.x0 >= g1 - 0.01 for x in lower)),
        )
        for side, inside in sides:
            if (
                inside
                and len(side) == len(b)
                and all(min(s1, h1) >= max(s0, h0) for (s0, s1), (h0, h1) in zip(side, b))
            ):
                return True
    return False


def _section_gap(
    upper: Sequence[AlignedLine], middle: Sequence[AlignedLine], lower: Sequence[AlignedLine], settings: UnruledSettings
) -> bool:
    if len(middle) > MAX_SECTION_HEADING_LINES or any(a.is_multi for a in middle):
        return False
    size = median(a.line.size for a in upper)
    if lower[0].line.top - upper[-1].line.bottom > MAX_SECTION_GAP_RATIO * size:
        return False
    first = gutters([x for x in upper if x.is_multi], settings.min_gutter_width)[0]
    return all(a.line.x1 <= first[1] for a in middle)


def _fits(run: list[AlignedLine], aligned: AlignedLine, settings: UnruledSettings) -> bool:
    last = run[-1].line
    if aligned.line.top - last.bottom > settings.max_line_gap_ratio * min(last.size, aligned.line.size):
        return False
    if aligned.line.top < last.top + 0.3 * last.size:
        return False  # beside, not below: another column of the page
    multi = [a for a in run if a.is_multi]
    if aligned.is_multi:
        return bool(gutters(multi + [aligned], settings.min_gutter_width))
    # A one-segment line fits inside a column (a wrapped cell); it may cross a gutter that
    # only one line so far supports (a header cell), never an established one nor all. A
    # line that only narrows a gutter (a wrapped cell wider than the line above it, with
    # white left beside it) crosses nothing.
    current = gutters(multi, settings.min_gutter_width)
    crossed = [corridor for corridor in current if _closes(aligned, corridor, settings.min_gutter_width)]
    if len(crossed) == len(current):
        return False
    return all(_support(multi, corridor) < 2 for corridor in crossed)


def _closes(aligned: AlignedLine, corridor: tuple[float, float], min_width: float) -> bool:
    """Does the line leave no white strip of ``min_width`` in the corridor?"""
    g0, g1 = corridor
    covering = sorted((max(seg.x0, g0), min(seg.x1, g1)) for seg in aligned.segments if seg.x0 < g1 and seg.x1 > g0)
    if not covering:
        return False
    widest, reach = 0.0, g0
    for x0, x1 in covering:
        widest = max(widest, x0 - reach)
        reach = max(reach, x1)
    return max(widest, g1 - reach) < min_width


def _support(lines: Sequence[AlignedLine], corridor: tuple[float, float]) -> int:
    """How many lines have text on both sides of a gutter."""
    g0, g1 = corridor
    count = 0
    for aligned in lines:
        left = any(seg.x1 <= g0 + 0.01 for seg in aligned.segments)
        right = any(seg.x0 >= g1 - 0.01 for seg in aligned.segments)
        count += left and right
    return count


def _trim_tail(run: list[AlignedLine]) -> list[AlignedLine]:
    """Drop single-segment lines after the last multi-segment line unless tightly spaced."""
    while len(run) > 1 and not run[-1].is_multi:
        previous, last = run[-2].line, run[-1].line
        if last.top - previous.bottom <= 0.5 * last.size:
            break
        run = run[:-1]
    return run


def looks_like_prose(run: Sequence[AlignedLine], columns: Sequence[tuple[float, float]]) -> bool:
    """Two or three wide columns of long lines are a page in columns, not a table."""
    if len(columns) > 3:
        return False
    words_per_segment = [len(seg.words) for aligned in run for seg in aligned.segments]
    widths = [x1 - x0 for x0, x1 in columns]
    total = sum(widths) or 1.0
    return median(words_per_segment) >= 5 and all(width / total >= 0.25 for width in widths)


def run_to_grid(run: Sequence[AlignedLine], rules: Sequence[Rule], settings: UnruledSettings) -> CellGrid | None:
    """Columns from the run's gutters, rows from spacing and rules; None if not a table."""
    multi = [a for a in run if a.is_multi]
    corridors = _supported_gutters(run, gutters(multi, settings.min_gutter_width))
    if not corridors:
        return None
    left = min(a.line.x0 for a in run)
    right = max(a.line.x1 for a in run)
    bounds = [left] + [(g0 + g1) / 2 for g0, g1 in corridors] + [right]
    columns = list(zip(bounds, bounds[1:]))
    if looks_like_prose(run, columns):
        return None
    top, bottom = run[0].line.top, run[-1].line.bottom
    inner_rules = [r for r in rules if _covers(r, left, right, settings) and top < r[1] < bottom]
    row_groups = lines_to_rows(run, columns, inner_rules)
    size = median(a.line.size for a in run)
    top, bottom, left, right = _extend_to_rules(top, bottom, left, right, rules, settings, reach=1.5 * size)
    bounds[0], bounds[-1] = left, right
    columns = list(zip(bounds, bounds[1:]))
    boxes = []
    edges = _row_edges(row_groups, top, bottom)
    for group, (row_top, row_bottom) in zip(row_groups, edges):
        for c0, c1 in _row_spans(group, columns):
            boxes.append((columns[c0][0], row_top, columns[c1][1], row_bottom))
    return boxes_to_grid(boxes, strategy="text")


def _supported_gutters(run: Sequence[AlignedLine], corridors: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep gutters with text on both sides in at least two lines of the run."""
    return [corridor for corridor in corridors if _support(run, corridor) >= 2]


def _covers(rule: Rule, left: float, right: float, settings: UnruledSettings) -> bool:
    x0, _, x1 = rule
    overlap = min(x1, right) - max(x0, left)
    return overlap >= settings.min_rule_cover * (right - left)


def _extend_to_rules(
    top: float,
    bottom: float,
    left: float,
    right: float,
    rules: Sequence[Rule],
    settings: UnruledSettings,
    reach: float,
) -> tuple[float, float, float, float]:
    """Grow the table box to a rule just above and just below it (within ``reach``, about a
    line's height), and sideways to the rules' ends when they are wider than the text."""
    above = [r for r in rules if _covers(r, left, right, settings) and top - reach <= r[1] <= top]
    below = [r for r in rules if _covers(r, left, right, settings) and bottom <= r[1] <= bottom + reach]
    inside = [r for r in rules if _covers(r, left, right, settings) and top <= r[1] <= bottom]
    new_top = min((r[1] for r in above), default=top)
    new_bottom = max((r[1] for r in below), default=bottom)
    bounding = above + below + inside
    if bounding:
        left = min(left, min(r[0] for r in bounding))
        right = max(right, max(r[2] for r in bounding))
    return new_top, new_bottom, left, right


def lines_to_rows(
    run: Sequence[AlignedLine], columns: Sequence[tuple[float, float]], inner_rules: Sequence[Rule]
) -> list[list[AlignedLine]]:
    """Group the run's lines into table rows (see the module docstring). Where spacing or
    the first column would join a line to the row above, a line that starts new values on
    the row grid (:func:`ingest.pdf_text.starts_new_row`) is a row of its own."""
    pitches = [b.line.top - a.line.top for a, b in zip(run, run[1:])]
    tight = min(pitches) if pitches else 0.0
    spaced = bool(pitches) and any(p > 1.4 * tight for p in pitches) and sum(p <= 1.15 * tight for p in pitches) >= 2
    first_column_end = columns[0][1]
    by_column = [_by_column(aligned, columns) for aligned in run]
    limits = _column_limits(by_column, columns)
    rows: list[list[AlignedLine]] = []
    for i, aligned in enumerate(run):
        if not rows:
            rows.append([aligned])
            continue
        previous = run[i - 1]
        ruled_between = any(previous.line.bottom <= r[1] <= aligned.line.top + 1 for r in inner_rules)
        if ruled_between:
            rows.append([aligned])
        elif spaced and pitches[i - 1] > 1.25 * tight:
            rows.append([aligned])
        elif _splits_span_above(previous, aligned, columns) or _fills_empty_columns(rows[-1], by_column, i, limits):
            rows.append([aligned])
        elif not spaced and any(seg.x0 < first_column_end for seg in aligned.segments):
            rows.append([aligned])
        elif starts_new_row(by_column[i - 1], by_column[i], limits):
            rows.append([aligned])
        else:
            rows[-1].append(aligned)
    return rows


def _splits_span_above(previous: AlignedLine, aligned: AlignedLine, columns: Sequence[tuple[float, float]]) -> bool:
    """Does the line have separate text on both sides of a column boundary that a segment of
    the line above runs across? Then the one above is a group heading spanning columns
    ("Total" over "Male | Female"), and the line a header row of its own."""
    boundaries = [x1 for _, x1 in columns[:-1]]
    for segment in previous.segments:
        for boundary in boundaries:
            if not (segment.x0 < boundary - 1.0 and segment.x1 > boundary + 1.0):
                continue
            left = any(seg.x1 <= boundary and seg.x1 > segment.x0 - 1.0 for seg in aligned.segments)
            right = any(seg.x0 >= boundary and seg.x0 < segment.x1 + 1.0 for seg in aligned.segments)
            if left and right:
                return True
    return False


MIN_NEWLY_FILLED_COLUMNS = 2
"""Columns a line must fill, that the row so far left empty, to start a row by that alone."""


def _fills_empty_columns(
    row: Sequence[AlignedLine], by_column: Sequence[dict[int, TextLine]], index: int, limits: dict[int, float]
) -> bool:
    """A line that puts text in two or more columns the row so far left empty, more than
    the columns in which it goes on with wrapped text, is a row of its own (the sub-headings under a group heading, the
    values of a row with an empty first cell): a wrapped line adds to cells already begun."""
    current = by_column[index]
    begun = {column for line in by_column[index - len(row) : index] for column in line}
    fresh = [column for column in current if column not in begun]
    if len(fresh) < MIN_NEWLY_FILLED_COLUMNS:
        return False
    return len(fresh) > len(wrapped_columns(by_column[index - 1], current, limits))


def _by_column(aligned: AlignedLine, columns: Sequence[tuple[float, float]]) -> dict[int, TextLine]:
    """A line's text by column (the column its segments start in)."""
    words: dict[int, list[Word]] = {}
    for segment in aligned.segments:
        column = next((i for i, (_, x1) in enumerate(columns) if segment.x0 < x1), len(columns) - 1)
        words.setdefault(column, []).extend(segment.words)
    return {column: TextLine(tuple(items)) for column, items in words.items()}


def _column_limits(
    by_column: Sequence[dict[int, TextLine]], columns: Sequence[tuple[float, float]]
) -> dict[int, float]:
    """Where text could reach in each filled column of an unruled table: the middle of the
    gutter on its right (the last column: the furthest any of its lines reaches)."""
    limits: dict[int, float] = {}
    for texts in by_column:
        for column, line in texts.items():
            limits[column] = max(limits.get(column, line.x1), line.x1)
    return {
        column: max(reach, columns[column][1]) if column < len(columns) - 1 else reach
        for column, reach in limits.items()
    }


def _row_edges(rows: Sequence[Sequence[AlignedLine]], top: float, bottom: float) -> list[tuple[float, float]]:
    """Row boundaries halfway between the last line of a row and the first of the next."""
    cuts = [top]
    for upper, lower in zip(rows, rows[1:]):
        cuts.append((max(a.line.bottom for a in upper) + min(a.line.top for a in lower)) / 2)
    cuts.append(bottom)
    return list(zip(cuts, cuts[1:]))


def _row_spans(group: Sequence[AlignedLine], columns: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """Column spans of one row's cells: a segment crossing a column boundary joins the
    columns on both sides into one spanning cell."""
    joined = [False] * (len(columns) - 1)
    for aligned in group:
        for seg in aligned.segments:
            for i in range(len(columns) - 1):
                boundary = columns[i][1]
                if seg.x0 < boundary - 1.0 and seg.x1 > boundary + 1.0:
                    joined[i] = True
    spans = []
    start = 0
    for i in range(len(columns)):
        if i == len(columns) - 1 or not joined[i]:
            spans.append((start, i))
            start = i + 1
    return spans


def split_side_by_side(
    run: Sequence[AlignedLine], rules: Sequence[Rule], settings: UnruledSettings
) -> list[list[AlignedLine]]:
    """Tables printed side by side, read as one run of lines, cut apart at the vertical
    gutter between them. A gutter splits the run when no text crosses it, each side holds a
    table of its own (two or more columns, ``min_rows`` lines with several cells), and the
    page says the two are separate: horizontal rules that stop at the gutter (each table
    ruled on its own), the same column headings opening both sides, rows out of step (a
    side starting rows where the other has no text, :func:`_rows_out_of_step`), or one side
    going on for rows of several cells where the other has ended (tables of different
    lengths). A wide gap inside one table has none of these."""
    multi = [a for a in run if a.is_multi]
    corridors = _supported_gutters(run, gutters(multi, settings.min_gutter_width))
    clear = [
        corridor
        for corridor in sorted(corridors, key=lambda item: item[0] - item[1])
        if not any(_crosses(a, [corridor]) for a in run)
    ]
    # Strongest evidence first, each tried on every clear gutter, widest first: a wide gap
    # inside one table can leave a column of wrapped text going on below its neighbours (so
    # different lengths come last), never rules that stop at it nor its headings twice.
    for evidence in ("rules", "headings", "steps", "lengths"):
        for corridor in clear:
            left, right = _halves(run, corridor, settings)
            if not (_is_table_run(left, settings) and _is_table_run(right, settings)):
                continue
            if evidence == "rules":
                found = _rules_stop_at(rules, corridor, run)
            elif evidence == "headings":
                found = _same_headings(left, right)
            else:
                found = _rows_out_of_step(left, right, settings) if evidence == "steps" else _ends_apart(left, right)
            if found:
                return split_side_by_side(left, rules, settings) + split_side_by_side(right, rules, settings)
    return [list(run)]


def _halves(
    run: Sequence[AlignedLine], corridor: tuple[float, float], settings: UnruledSettings
) -> tuple[list[AlignedLine], list[AlignedLine]]:
    g0, g1 = corridor
    left: list[AlignedLine] = []
    right: list[AlignedLine] = []
    for aligned in run:
        for side, words in (
            (left, [w for w in aligned.line.words if w.x1 <= g0 + 0.01]),
            (right, [w for w in aligned.line.words if w.x0 >= g1 - 0.01]),
        ):
            if words:
                line = TextLine(tuple(words))
                side.append(AlignedLine(line, line_to_segments(line, settings)))
    return left, right


def _is_table_run(run: Sequence[AlignedLine], settings: UnruledSettings) -> bool:
    multi = [a for a in run if a.is_multi]
    return len(multi) >= settings.min_rows and bool(_supported_gutters(run, gutters(multi, settings.min_gutter_width)))


def _rules_stop_at(rules: Sequence[Rule], corridor: tuple[float, float], run: Sequence[AlignedLine]) -> bool:
    """Rules near the run end in the gutter on the left and start in it on the right, and
    none runs across it."""
    g0, g1 = corridor
    size = median(a.line.size for a in run)
    top, bottom = run[0].line.top - 1.5 * size, run[-1].line.bottom + 1.5 * size
    near = join_rule_pieces([r for r in rules if top <= r[1] <= bottom])
    slack = g1 - g0
    ends = any(r[0] < g0 and g0 - slack <= r[2] <= g1 for r in near)
    starts = any(r[2] > g1 and g0 <= r[0] <= g1 + slack for r in near)
    across = any(r[0] < g0 and r[2] > g1 for r in near)
    return ends and starts and not across


RULE_JOIN_GAP = 3.0
"""Rule pieces this close end to end are one rule: many PDFs draw a table's rule as one
segment per column."""


def join_rule_pieces(rules: Sequence[Rule], gap: float = RULE_JOIN_GAP, same_y: float = 1.0) -> list[Rule]:
    """Collinear horizontal rules end to end (at most ``gap`` apart) joined into one."""
    joined: list[list[float]] = []
    for x0, y, x1 in sorted(rules, key=lambda rule: (round(rule[1] / same_y), rule[0])):
        last = joined[-1] if joined else None
        if last is not None and abs(last[1] - y) <= same_y and x0 <= last[2] + gap:
            last[2] = max(last[2], x1)
        else:
            joined.append([x0, y, x1])
    return [(x0, y, x1) for x0, y, x1 in joined]


def _ends_apart(left: Sequence[AlignedLine], right: Sequence[AlignedLine], min_lines: int = 2) -> bool:
    """One side has at least ``min_lines`` lines of several cells above the other's first
    line or below its last: the two tables have different lengths."""
    for one, other in ((left, right), (right, left)):
        first, last = other[0].line.top, other[-1].line.bottom
        below = sum(1 for a in one if a.is_multi and a.line.top > last)
        above = sum(1 for a in one if a.is_multi and a.line.bottom < first)
        if below >= min_lines or above >= min_lines:
            return True
    return False


def _same_headings(left: Sequence[AlignedLine], right: Sequence[AlignedLine]) -> bool:
    """Do both sides open with the same line of two or more column headings ("Ref | Action |
    Lead" on each)? One table does not name its columns twice; two tables of one kind set
    side by side (or one list printed in two columns) do."""
    texts = []
    for side in (left, right):
        first = next((a for a in side if a.is_multi), None)
        if first is None:
            return False
        texts.append([" ".join(segment.text.lower().split()) for segment in first.segments])
    return texts[0] == texts[1]


def _rows_out_of_step(left: Sequence[AlignedLine], right: Sequence[AlignedLine], settings: UnruledSettings) -> bool:
    """Does one side start a row of values (by its own row grid, :func:`lines_to_rows`; a
    first line with several cells, not a heading) on a line where the other side has no
    text, and the other side then start a row of its own before the first side's row ends?
    Two tables whose rows have heights of their own. In one table (cells set at the top of
    their rows) the cells of a row start on the same line: where one side starts a row,
    the other either starts it too (a wrapped cell may make it cut finer below, never start
    apart) or has nothing until the next row."""
    size = median(a.line.size for a in [*left, *right])
    left_rows, right_rows = _row_extents(left, settings), _row_extents(right, settings)
    return _starts_apart(left_rows, right_rows, right, size) or _starts_apart(right_rows, left_rows, left, size)


def _row_extents(half: Sequence[AlignedLine], settings: UnruledSettings) -> list[tuple[float, float, bool]]:
    """Each row of one side as (top of its first line, bottom of its last, whether its first
    line has several cells)."""
    multi = [a for a in half if a.is_multi]
    corridors = _supported_gutters(half, gutters(multi, settings.min_gutter_width))
    left = min(a.line.x0 for a in half)
    right = max(a.line.x1 for a in half)
    bounds = [left] + [(g0 + g1) / 2 for g0, g1 in corridors] + [right]
    rows = lines_to_rows(half, list(zip(bounds, bounds[1:])), [])
    return [(row[0].line.top, max(a.line.bottom for a in row), row[0].is_multi) for row in rows]


SAME_LINE_SHARE = 0.5
"""Tops closer than this share of the text size are on the same line."""


def _starts_apart(
    rows: Sequence[tuple[float, float, bool]],
    others: Sequence[tuple[float, float, bool]],
    other_lines: Sequence[AlignedLine],
    size: float,
) -> bool:
    tolerance = SAME_LINE_SHARE * size
    for index, (top, bottom, values) in enumerate(rows):
        end = rows[index + 1][0] if index + 1 < len(rows) else bottom
        if not values or any(abs(a.line.top - top) <= tolerance for a in other_lines):
            continue
        if any(top + tolerance < start < end - tolerance for start, _, _ in others):
            return True
    return False


def column_gutters(
    lines: Sequence[TextLine], settings: UnruledSettings, min_support: int, max_crossing_share: float
) -> list[float]:
    """Middles of the white corridors that split a column of lines into columns: text on
    both sides in at least ``min_support`` lines, crossed by at most ``max_crossing_share``
    of them (headings over a group)."""
    aligned = [AlignedLine(line, line_to_segments(line, settings)) for line in lines]
    if sum(1 for a in aligned if a.is_multi) < min_support:
        return []
    allowed = int(max_crossing_share * len(aligned))
    spans = [(seg.x0, seg.x1) for a in aligned for seg in a.segments]
    out = []
    for corridor in _sparse_corridors(spans, allowed, settings.min_gutter_width):
        if _support(aligned, corridor) >= min_support:
            out.append((corridor[0] + corridor[1]) / 2)
    return out


def _sparse_corridors(
    spans: Sequence[tuple[float, float]], allowed: int, min_width: float, step: float = 0.5
) -> list[tuple[float, float]]:
    """x ranges at least ``min_width`` wide that at most ``allowed`` spans cover, between
    the leftmost and rightmost text."""
    if not spans:
        return []
    left = min(x0 for x0, _ in spans)
    right = max(x1 for _, x1 in spans)
    count = int((right - left) / step) + 1
    coverage = [0] * count
    for x0, x1 in spans:
        for i in range(int((x0 - left) / step), min(int((x1 - left) / step) + 1, count)):
            coverage[i] += 1
    out = []
    start = None
    for i, covered in enumerate(coverage + [allowed + 1]):
        if covered <= allowed and 0 < i < count:
            start = i if start is None else start
        elif start is not None:
            x0, x1 = left + start * step, left + i * step
            if x1 - x0 >= min_width:
                out.append((x0, x1))
            start = None
    return out
