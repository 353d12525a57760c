"""The table walk's steps, each alone, on small tables written here (not cut from a seed).

Step 1 (:mod:`extract.pieces`): a reader piece to a logical table. Step 2
(:mod:`extract.rows`): what a row is. Step 3 (:mod:`extract.drafts`, :mod:`extract.context`):
the action row being stitched and the context folded into it. Then the fold itself
(:func:`extract.tables.document_to_rows`) and its settings (:class:`extract.settings.WalkSettings`).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from extract.context import Context, fold_heading_row, fold_text_block, start_pending_section
from extract.drafts import Draft, merged_down_cells
from extract.headers import HeaderSettings
from extract.pieces import OpenTable, fit_map, read_piece
from extract.rows import carried_columns, row_kind, row_start
from extract.settings import WalkSettings
from extract.tables import WalkState, document_to_rows, table_row
from extract.walk_model import ColumnMap
from ingest.model import Cell, Document, Line, Table, TextBlock

HEADERS = HeaderSettings()
PLAN_COLUMNS = ColumnMap(("ref", "action", "lead", "timescale"), ("Ref", "Action", "Lead", "Deadline"))


def row(*texts: str | None, page: int | None = None) -> tuple[Cell | None, ...]:
    """A reader row: None is a spanned cell, "" an empty one."""
    return tuple(None if text is None else Cell(tuple(Line(part) for part in text.split("\n") if part), page) for text in texts)


def table(*rows: tuple[Cell | None, ...], index: int = 1, continued: bool = False) -> Table:
    return Table(index, tuple(rows), continued=continued)


HEADER = row("Ref", "Action", "Lead", "Deadline")
OPEN = OpenTable(PLAN_COLUMNS, PLAN_COLUMNS, ref_keyed=True)


# --------------------------------------------------------------------------- step 1: pieces

def test_a_piece_with_a_header_starts_a_table_read_with_its_map():
    piece = read_piece(table(HEADER, row("1.1", "Audit ten case files", "Jo Marsh", "May 2031")), None, HEADERS)
    assert piece is not None and piece.kind == "new-table"
    assert piece.column_map is not None and piece.column_map.fields == ("ref", "action", "lead", "timescale")
    assert len(piece.body) == 1 and piece.pre_header == ()


def test_a_title_row_above_the_header_is_handed_back_as_pre_header():
    piece = read_piece(table(row("Priority 3: Early help", "", "", ""), HEADER, row("3.1", "Train staff", "Ali Khan", "June")), None, HEADERS)
    assert piece is not None and piece.kind == "new-table"
    assert [cell.lines[0].text for cell in piece.pre_header[0] if cell and cell.lines] == ["Priority 3: Early help"]


def test_the_same_header_again_carries_on_the_open_table():
    piece = read_piece(table(HEADER, row("1.2", "Review the rota", "Sam Lee", "July")), OPEN, HEADERS)
    assert piece is not None and piece.kind == "same-table"
    assert piece.column_map is not None and piece.column_map.fields == OPEN.base_map.fields and not piece.shifted


def test_a_headerless_piece_of_the_same_width_continues_the_open_table():
    piece = read_piece(table(row("", "and report to the board", "", "")), OPEN, HEADERS)
    assert piece is not None and piece.kind == "continuation" and piece.column_map is None


def test_a_headerless_piece_the_reader_marks_continued_continues_whatever_its_width():
    piece = read_piece(table(row("x", "y"), continued=True), OPEN, HEADERS)
    assert piece is not None and piece.kind == "continuation"


def test_a_headerless_piece_of_another_width_is_a_side_table():
    piece = read_piece(table(row("Name", "Role", "Phone", "Room", "Email", "Team")), OPEN, HEADERS)
    assert piece is not None and piece.kind == "side-table"


def test_an_empty_piece_is_nothing():
    assert read_piece(table(), OPEN, HEADERS) is None


def test_long_text_in_the_header_row_is_taken_out_as_a_garbled_row():
    long_text = "Ensure every child in need plan is reviewed by a manager within twenty working days of the meeting"
    piece = read_piece(table(row("Ref", "Action", "Lead", long_text), row("1.1", "Audit ten case files", "Jo Marsh", "May")), None, HEADERS)
    assert piece is not None and piece.garbled == (long_text,)
    assert piece.column_map is not None and piece.column_map.labels[3] == ""


def test_a_repeated_header_shifted_left_is_trusted_only_when_the_rows_agree():
    shifted_header = row("Action", "Lead", "Deadline", "")
    agreeing = row("Audit ten case files every month", "Jo Marsh", "May 2031", "")
    piece = read_piece(table(shifted_header, agreeing), OPEN, HEADERS)
    assert piece is not None and piece.kind == "same-table" and piece.shifted
    disagreeing = row("1.3", "Audit ten case files every month", "Jo Marsh", "May 2031")
    piece = read_piece(table(shifted_header, disagreeing), OPEN, HEADERS)
    assert piece is not None and not piece.shifted and piece.column_map == OPEN.base_map


def test_a_narrower_piece_keeps_the_last_column_last():
    fitted = fit_map(PLAN_COLUMNS, 3)
    assert fitted.fields == ("ref", "action", "timescale")
    assert fit_map(PLAN_COLUMNS, 4) is PLAN_COLUMNS


# --------------------------------------------------------------------------- step 2: row kinds

@pytest.mark.parametrize(("texts", "last_heading", "has_draft", "kind"), [
    (["", "", "", ""], "", True, "blank"),
    (["Ref", "Action", "Lead", "Deadline"], "", True, "repeated-header"),
    (["Priority 2: Children in care", "", "", ""], "", True, "heading"),
    (["4.2 Outcome: Plans are timely", "", "", ""], "", True, "heading"),  # an area heading, though it starts with a ref
    (["4.2", "", "", ""], "", True, "data"),  # a ref alone keys a row in a ref-keyed table
    (["and with the schools", "", "", ""], "", True, "data"),  # continues the action row above
    (["and with the schools", "", "", ""], "section", True, "heading"),  # continues the heading above
    (["Links to OR 4", "", "", ""], "", True, "data"),
    (["Early help and fam", "ily support"], "", True, "split-heading"),
    (["4.3", "Audit the files", "Jo Marsh", "May"], "", True, "data"),
])
def test_rows_are_told_apart_by_their_cells_and_what_came_before(texts, last_heading, has_draft, kind):
    assert row_kind(texts, PLAN_COLUMNS, ref_keyed=True, last_heading=last_heading, has_draft=has_draft) == kind


@pytest.mark.parametrize(("texts", "has_draft", "start"), [
    (["5.1", "Audit the files", "Jo Marsh", "May"], True, "new"),
    (["Action 7", "Audit the files", "Jo Marsh", "May"], True, "new"),  # a short key the ref patterns miss
    (["", "and report to the board", "", ""], True, "continuation"),
    (["", "Report to the board", "Ali Khan", "June"], True, "merged-down"),  # own lead and date
    (["", "and report to the board", "", ""], False, "new"),  # nothing above to continue
    (["Links to OR 2", "", "", ""], True, "continuation"),
])
def test_a_data_row_starts_shares_or_continues_an_action_row(texts, has_draft, start):
    assert row_start(texts, PLAN_COLUMNS, ref_keyed=True, has_draft=has_draft) == start


def test_a_new_row_takes_the_area_cells_it_leaves_empty_only_beside_a_ref_column():
    columns = ColumnMap(("area", "ref", "action"), ("Area", "Ref", "Action"))
    texts = ["", "2.2", "Recruit two social workers"]
    cells = row("", "2.2", "Recruit two social workers")
    assert carried_columns(cells, "new", False, texts, columns) == {0}
    assert carried_columns(cells, "continuation", False, texts, columns) == set()
    no_ref = ColumnMap(("area", "action", "lead"), ("Area", "Action", "Lead"))
    assert carried_columns(cells, "new", False, texts, no_ref) == set()


# --------------------------------------------------------------------------- step 3: drafts and context

def test_a_continued_line_is_glued_to_the_last_line_unless_it_is_a_bullet():
    key = ("action", "Action")
    draft = Draft(1, 1, 2).append(key, (Line("Audit the"),)).append(key, (Line("case files"), Line("monthly")))
    assert [line.text for line in draft.cells[0][1]] == ["Audit the case files", "monthly"]
    bulleted = draft.append(key, (Line("Report", bullet=True),))
    assert [line.text for line in bulleted.cells[0][1]] == ["Audit the case files", "monthly", "Report"]
    assert [line.text for line in draft.cells[0][1]] == ["Audit the case files", "monthly"]  # the old draft is unchanged


def test_a_frozen_draft_keeps_its_context_and_drops_empty_cells():
    context = Context(section="Early help", area_heading="Timely plans", section_lead="Jo Marsh")
    draft = Draft(2, 5, 1, context).append(("ref", "Ref"), (Line("2.5"),)).append(("lead", "Lead"), (Line(" "),))
    draft = draft.with_issue("header-in-cell", "label removed")
    data_row = draft.freeze("plan.pdf")
    assert (data_row.table, data_row.row, data_row.section, data_row.area_heading, data_row.section_lead) == (2, 5, "Early help", "Timely plans", "Jo Marsh")
    assert [column.field for column in data_row.columns] == ["ref"]
    assert data_row.issues == (("header-in-cell", "label removed"),)


def test_only_key_cells_are_merged_down():
    columns = ColumnMap(("area", "action", "lead"), ("Area", "Action", "Lead"))
    draft = Draft(1, 1, None).append(("area", "Area"), (Line("Participation"),)).append(("lead", "Lead"), (Line("Jo"),))
    assert merged_down_cells(draft, {0, 2}, columns) == ((("area", "Area"), (Line("Participation"),)),)


def test_a_section_heading_resets_the_area_and_lead_below_it():
    context = Context(section="Old", area_heading="Old area", section_lead="Old lead")
    after, use = fold_heading_row(context, "Priority 4: Workforce")
    assert (after.section, after.area_heading, after.section_lead, after.last_heading, use) == ("Priority 4: Workforce", "", "", "section", "context")
    assert context.section == "Old"
    with pytest.raises(FrozenInstanceError):
        context.section = "New"  # type: ignore[misc]


def test_a_lower_case_heading_row_continues_the_heading_above():
    after, _ = fold_heading_row(Context(), "4.1 Outcome: Staff are trained")
    after, use = fold_heading_row(after, "and supervised monthly")
    assert after.area_heading == "Staff are trained and supervised monthly" and use == "context"


@pytest.mark.parametrize(("last_heading", "use"), [("note", "unused-continuation"), ("", "unused")])
def test_text_that_sets_nothing_is_reported_unused(last_heading, use):
    _, got = fold_heading_row(Context(last_heading=last_heading), "and supervised monthly" if last_heading else "Objectives: keep children safe")
    assert got == use


def test_a_heading_line_before_a_table_becomes_its_section_when_the_table_starts():
    context = fold_text_block(Context(area_heading="Old area"), "Children in care")
    assert context.pending_section == "Children in care" and context.section == ""
    started = start_pending_section(context)
    assert (started.section, started.area_heading, started.pending_section) == ("Children in care", "", "")
    assert fold_text_block(context, "Review of progress – 26 June 2031").pending_section == ""  # dated: not a title


# --------------------------------------------------------------------------- the fold

def test_a_table_row_step_returns_its_issues_as_values():
    state = WalkState("plan.txt", table=OPEN, tables=1)
    state, found = table_row(state, row("Early help and fam", "ily support", "", ""), PLAN_COLUMNS)
    assert [issue.code for issue in found.issues] == ["split-heading"]
    assert state.context.section == "Early help and family support" and found.narrative == ("Early help and family support",)


def walk(*blocks, settings: WalkSettings = WalkSettings()):
    return document_to_rows(Document("plan.pdf", "pdf", tuple(blocks)), HEADERS, settings)


def test_a_row_cut_by_a_page_break_is_stitched_under_its_section():
    result = walk(
        TextBlock((Line("Workforce"),)),
        table(HEADER, row("2.1", "Recruit two social", "Jo Marsh", "May 2031", page=1)),
        table(row("", "workers for the team", "", "", page=2), row("2.2", "Train managers", "Ali Khan", "June 2031", page=2), index=2),
    )
    assert result.logical_tables == 1
    assert [(r.row, r.section, r.texts("action")) for r in result.rows] == [
        (1, "Workforce", ["Recruit two social workers for the team"]),
        (2, "Workforce", ["Train managers"]),
    ]
    assert result.issues == ()


def test_a_piece_with_no_action_columns_is_a_side_table_and_new_headers_a_new_table():
    result = walk(
        table(HEADER, row("1.1", "Audit files", "Jo Marsh", "May")),
        table(row("Jo Marsh", "Head of Service", "Room 2", "x", "y", "z"), index=2),
        table(row("No.", "Task", "Owner"), row("A", "Publish the plan", "Ali Khan"), index=3),
    )
    assert result.side_tables == ((("Jo Marsh", "Head of Service", "Room 2", "x", "y", "z"),),)
    assert result.logical_tables == 2
    assert [(r.table, r.row) for r in result.rows] == [(1, 1), (2, 1)]


def test_walk_settings_reach_the_header_search():
    title_rows = [row(f"Plan title line {n}", "", "", "") for n in range(3)]
    piece = table(*title_rows, HEADER, row("1.1", "Audit files", "Jo Marsh", "May"))
    assert walk(piece).logical_tables == 1
    assert walk(piece, settings=WalkSettings(header_search_rows=2)).logical_tables == 0


def test_lost_columns_sets_how_much_narrower_a_continuing_piece_may_be():
    narrower = table(row("", "and report to the board", ""))
    assert read_piece(narrower, OPEN, HEADERS).kind == "continuation"  # type: ignore[union-attr]
    assert read_piece(narrower, OPEN, HEADERS, WalkSettings(lost_columns=0)).kind == "side-table"  # type: ignore[union-attr]


@pytest.mark.parametrize("changes", [{"header_search_rows": 0}, {"min_header_share": 1.5}, {"min_content_header_columns": 10}, {"lost_columns": -1}])
def test_walk_settings_refuse_values_that_make_no_sense(changes):
    with pytest.raises(ValueError, match="WalkSettings"):
        WalkSettings(**changes)


def test_a_lead_line_between_a_paragraph_and_a_table_sets_the_lead_not_the_section():
    result = walk(
        TextBlock((Line("Children's services improvement plan"),)),
        TextBlock((Line("The partnership agreed these actions. Progress is reported to the board each month."),)),
        TextBlock((Line("Leads: Priya Patel (Chair); Omar Khan (Director)."),)),
        table(HEADER, row("1.1", "Audit files", "Jo Marsh", "May")),
    )
    assert [(r.section, r.section_lead) for r in result.rows] == [("", "Priya Patel (Chair); Omar Khan (Director).")]


def test_extract_document_takes_the_walk_settings():
    from extract import extract_document

    title_rows = [row(f"Plan title line {n}", "", "", "") for n in range(3)]
    document = Document("plan.pdf", "pdf", (table(*title_rows, HEADER, row("1.1", "Audit files", "Jo Marsh", "May")),))
    assert len(extract_document(document).actions) == 1
    assert extract_document(document, walk_settings=WalkSettings(header_search_rows=2)).actions == ()
