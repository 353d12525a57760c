"""Hostile and unlucky inputs (issue #10): nothing lost, nothing run, no batch-killer.

Every case is generated small inside the test and converted beside a good seed plan, whose
actions must come out byte-identical to a run of that plan alone.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import zlib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from actionplans.cache import Cache
from actionplans.cli import main
from actionplans.pipeline import convert, convert_file

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
GOOD_PLAN = RAW / "004_466c596bdae4b96c.txt"
ALL_FORMATS = "csv,jsonl,xlsx,parquet,sqlite"
IN_PROCESS = ["--jobs", "1", "--max-memory", "0", "--timeout", "0"]

HEADER = "Ref\tAction\tLead officer\tTimescale\tStatus"
ROWS = [
    ("1", "Review the referral pathway with partners", "Jane Smith, Head of Service", "March 2025", "Complete"),
    ("2", "Train every social worker in the new assessment model", "Tom Brown, Principal Social Worker", "June 2025", "In progress"),
    ("3", "Publish a quarterly audit of case records", "Amy Clark, Quality Lead", "September 2025", "Not started"),
]


def small_plan(rows=ROWS, title: str = "Improvement plan for Testshire Council") -> str:
    """A three-action plan as a TAB-separated text export (not cut from any seed)."""
    return "\n".join([title, "", HEADER, *("\t".join(row) for row in rows)]) + "\n"


def _convert(inputs: list[Path], out: Path, *options: str) -> object:
    return CliRunner().invoke(main, ["convert", *map(str, inputs), "--out", str(out), *options])


def _good_actions(out: Path) -> list[str]:
    lines = (out / "actions.jsonl").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if json.loads(line)["document"] == GOOD_PLAN.name]


@pytest.fixture(scope="module")
def good_alone(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("alone")
    result = _convert([GOOD_PLAN], folder / "out", *IN_PROCESS, "--format", "jsonl", "--no-cache")
    assert result.exit_code == 0, result.output
    actions = _good_actions(folder / "out")
    assert len(actions) == 9
    return actions


def _beside_good_plan(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / GOOD_PLAN.name).write_bytes(GOOD_PLAN.read_bytes())
    return folder


def _documents(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "documents.csv", newline="", encoding="utf-8") as handle:
        return {row["document"]: row for row in csv.DictReader(handle)}


# --------------------------------------------------------------------------- inputs

def test_a_missing_input_is_a_usage_error_and_the_dataset_stays(tmp_path, good_alone):
    out = tmp_path / "out"
    assert _convert([GOOD_PLAN], out, *IN_PROCESS).exit_code == 0
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    result = _convert([tmp_path / "raws"], out, *IN_PROCESS)
    assert result.exit_code == 2
    assert f"input not found: {tmp_path / 'raws'}" in result.output
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before


def test_no_inputs_and_no_data_raw_is_a_usage_error_that_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["convert", *IN_PROCESS])
    assert result.exit_code == 2
    assert "no inputs given and no data/raw folder" in result.output
    assert list(tmp_path.iterdir()) == []


def test_no_inputs_reads_data_raw_where_it_exists(tmp_path, monkeypatch, good_alone):
    _beside_good_plan(tmp_path / "data" / "raw")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["convert", *IN_PROCESS, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert _good_actions(tmp_path / "data" / "processed") == good_alone


@pytest.mark.parametrize("where", ["the output folder", "inside the output folder"])
def test_an_input_in_the_output_folder_is_a_usage_error(tmp_path, where):
    out = _beside_good_plan(tmp_path / "out")
    given = out if where == "the output folder" else out / GOOD_PLAN.name
    result = _convert([given], out, *IN_PROCESS)
    assert result.exit_code == 2
    assert "is the output folder or inside it" in result.output
    assert sorted(path.name for path in out.iterdir()) == [GOOD_PLAN.name]


def test_an_output_folder_inside_the_input_folder_is_never_read(tmp_path, good_alone):
    plans = _beside_good_plan(tmp_path / "plans")
    out = plans / "processed"
    for _ in range(2):
        result = _convert([plans], out, *IN_PROCESS, "--format", "csv,jsonl,xlsx", "--cache", str(plans / "cache"))
        assert result.exit_code == 0, result.output
        assert result.output.startswith("1 files")
    assert list(_documents(out)) == [GOOD_PLAN.name]
    assert _good_actions(out) == good_alone


def test_fifos_devices_and_sockets_are_skipped_not_read(tmp_path, good_alone, monkeypatch):
    plans = _beside_good_plan(tmp_path / "plans")
    os.mkfifo(plans / "pipe.txt")
    (plans / "zeros.txt").symlink_to("/dev/zero")
    listener = socket.socket(socket.AF_UNIX)
    with monkeypatch.context() as inside:  # a relative address: AF_UNIX paths are limited to 108 bytes
        inside.chdir(plans)
        listener.bind("socket.txt")
    try:
        # workers with a time limit: were a FIFO read, the file would time out, not hang the test
        result = _convert([plans, plans / "pipe.txt"], tmp_path / "out", "--jobs", "1", "--timeout", "60", "--format", "csv,jsonl")
    finally:
        listener.close()
    assert result.exit_code == 0, result.output
    documents = _documents(tmp_path / "out")
    assert documents["pipe.txt"]["status"] == "skipped" and "FIFO" in documents["pipe.txt"]["error"]
    assert documents["zeros.txt"]["status"] == "skipped" and "character device" in documents["zeros.txt"]["error"]
    assert documents["socket.txt"]["status"] == "skipped" and "socket" in documents["socket.txt"]["error"]
    assert _good_actions(tmp_path / "out") == good_alone


_WATCH = {"path": None, "parent": None, "opened": []}


def _record_opens(event: str, args: tuple) -> None:
    if event == "open" and _WATCH["path"] is not None and os.getpid() == _WATCH["parent"] and str(args[0]) == _WATCH["path"]:
        _WATCH["opened"].append(args[0])


def test_files_are_hashed_in_the_workers_not_the_parent(tmp_path):
    import sys

    plans = _beside_good_plan(tmp_path / "plans")
    cache = Cache(tmp_path / "cache")
    if _record_opens not in getattr(sys, "_actionplans_hooks", ()):
        sys.addaudithook(_record_opens)  # audit hooks cannot be removed: it is switched off below
        sys._actionplans_hooks = (_record_opens,)
    _WATCH.update(path=str(plans / GOOD_PLAN.name), parent=os.getpid(), opened=[])
    try:
        first = convert([plans], jobs=1, timeout=60, cache=cache)
        second = convert([plans], jobs=1, timeout=60, cache=cache)
        in_workers = list(_WATCH["opened"])
        convert([plans], jobs=1, cache=cache)  # in-process: the parent itself reads the file
        in_process = list(_WATCH["opened"])
    finally:
        _WATCH["path"] = None
    assert [d.record.status for d in first.documents] == ["success"]
    assert (first.converted, second.converted, second.from_cache) == (1, 0, 1)
    assert second.documents == first.documents
    assert in_workers == [] and in_process != []


# --------------------------------------------------------------------------- bytes in cells and names

def _control_plan(character: str) -> str:
    rows = [
        ("1", f"Review the referral{character} pathway with partners", f"Jane Smith,{character} Head of Service", "March 2025", "Complete"),
        *ROWS[1:],
    ]
    return small_plan(rows)


@pytest.mark.parametrize("character", ["\x1b", "&#27;", "\x08", "\x7f", "\x9b"])
def test_control_characters_in_a_cell_are_removed_with_an_issue(tmp_path, character, good_alone):
    plans = _beside_good_plan(tmp_path / "plans")
    (plans / "hostile.txt").write_text(_control_plan(character), encoding="utf-8")
    result = _convert([plans], tmp_path / "out", *IN_PROCESS, "--format", ALL_FORMATS)
    assert result.exit_code == 0, result.output
    actions = pd.read_json(tmp_path / "out" / "actions.jsonl", lines=True)
    hostile = actions[actions["document"] == "hostile.txt"]
    assert len(hostile) == 3
    assert hostile.iloc[0]["action"] == "Review the referral pathway with partners"
    assert hostile["lead_people"].tolist() == ["Jane Smith", "Tom Brown", "Amy Clark"]
    issues = pd.read_csv(tmp_path / "out" / "issues.csv", keep_default_na=False)
    flagged = issues[(issues["document"] == "hostile.txt") & (issues["code"] == "control-characters")]
    assert len(flagged) == 2 and flagged["value"].str.contains("\\x", regex=False).all()
    assert _good_actions(tmp_path / "out") == good_alone


@pytest.mark.parametrize("separator", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_line_separators_inside_a_cell_do_not_split_the_row(tmp_path, separator):
    path = tmp_path / "plan.txt"
    path.write_text(_control_plan(separator), encoding="utf-8")
    result = convert_file(path)
    assert result.record.status == "success"
    assert [a.ref for a in result.actions] == ["1", "2", "3"]
    assert [a.lead_people for a in result.actions] == [("Jane Smith",), ("Tom Brown",), ("Amy Clark",)]
    assert result.actions[0].action == "Review the referral pathway with partners"
    assert [issue.code for issue in result.issues] == ["control-characters", "control-characters"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_wide_unicode_exports_with_and_without_a_byte_order_mark_are_read(tmp_path, encoding):
    (tmp_path / "utf8.txt").write_text(small_plan(), encoding="utf-8")
    (tmp_path / "wide.txt").write_bytes(small_plan().encode(encoding))
    expected, got = convert_file(tmp_path / "utf8.txt"), convert_file(tmp_path / "wide.txt")
    assert got.record.status == "success"
    assert [(a.ref, a.action, a.lead, a.due_date, a.status) for a in got.actions] == \
        [(a.ref, a.action, a.lead, a.due_date, a.status) for a in expected.actions]


NAMES = {
    "not UTF-8": (b"plan-\xff\xfe.txt", "plan-\\xff\\xfe.txt"),
    "ESC": (b"plan-\x1b[31m.txt", "plan-\\x1b[31m.txt"),
    "CR": (b"plan\r.txt", "plan\\x0d.txt"),
    "LF": (b"plan\nline.txt", "plan\\x0aline.txt"),
}


@pytest.mark.parametrize("case", list(NAMES))
def test_any_file_name_is_carried_safely_into_every_output(tmp_path, case, good_alone):
    raw_name, shown = NAMES[case]
    plans = _beside_good_plan(tmp_path / "plans")
    with open(os.path.join(os.fsencode(plans), raw_name), "wb") as handle:
        handle.write(small_plan().encode("utf-8"))
    out = tmp_path / "out"
    result = _convert([plans], out, *IN_PROCESS, "--format", ALL_FORMATS)
    assert result.exit_code == 0, result.output
    assert f"dataset written to {out}" in result.output
    with open(out / "documents.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 and len((out / "documents.csv").read_bytes().splitlines()) == 3  # no phantom row
    assert shown in {row["document"] for row in rows}
    assert (pd.read_csv(out / "actions.csv", keep_default_na=False)["document"] == shown).sum() == 3
    assert shown in pq.read_table(out / "documents.parquet").column("document").to_pylist()
    with sqlite3.connect(out / "dataset.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM actions WHERE document = ?", (shown,)).fetchone() == (3,)
    sheet = load_workbook(out / "dataset.xlsx", read_only=True)["documents"]
    assert shown in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert _good_actions(out) == good_alone


# --------------------------------------------------------------------------- memory

def _compressed_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(1)
    block = bytes(1 << 24)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


def _pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file of the numbered ``objects`` (object 1 the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_with_content_stream(stream: bytes) -> bytes:
    """A one-page PDF whose page content is ``stream`` (already Flate-compressed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _pdf_file(objects)


def test_a_pdf_content_stream_bomb_fails_that_file_under_the_memory_limit(tmp_path, good_alone):
    plans = _beside_good_plan(tmp_path / "plans")
    (plans / "bomb.pdf").write_bytes(_pdf_with_content_stream(_compressed_zeros(1 << 30)))  # 1 GB inflated, ~1 MB on disk
    result = _convert([plans], tmp_path / "out", "--jobs", "1", "--max-memory", "700M", "--format", "csv,jsonl")
    assert result.exit_code == 1, result.output
    bomb = _documents(tmp_path / "out")["bomb.pdf"]
    assert bomb["status"] == "failed"
    assert "memory limit of 700 MB" in bomb["error"] and "\n" not in bomb["error"]
    assert _good_actions(tmp_path / "out") == good_alone


def test_memory_sizes_are_parsed():
    from actionplans.cli import parse_size

    assert parse_size("2G") == 2 << 30 and parse_size("512M") == 512 << 20 and parse_size("1.5GB") == 3 << 29
    assert parse_size("0") is None and parse_size("none") is None and parse_size("1000") == 1000


# --------------------------------------------------------------------------- structural caps

def _html_plan(bomb_rows: int) -> str:
    rows = "".join(f"<tr><td>{'</td><td>'.join(row)}</td></tr>" for row in ROWS)
    bomb = "<tr>" + '<td colspan="1000" rowspan="0">x</td>' * 5 + "</tr>"
    return (f"<html><body><h1>Improvement plan</h1><table><tr><th>{'</th><th>'.join(HEADER.split(chr(9)))}</th></tr>{rows}</table>"
            f"<table>{bomb * bomb_rows}</table></body></html>")


@pytest.mark.parametrize(("bomb_rows", "message"), [
    (2, "10 merged cells cut to the table's size (first: colspan=1000 in a table 5 cells wide)"),
    (300, "the table's merged cells would expand it past 1,000,000 positions; spans ignored"),  # 10 GB before
])
def test_html_spans_are_clamped_to_the_tables_real_size(tmp_path, bomb_rows, message):
    path = tmp_path / "spans.html"
    path.write_text(_html_plan(bomb_rows), encoding="utf-8")
    from ingest.html import read_html

    document = read_html(path)
    assert [(issue.code, issue.message) for issue in document.issues] == [("clamped-span", message)]
    assert max(len(table.rows) * table.n_columns for table in document.tables) <= 25 * bomb_rows * bomb_rows
    result = convert_file(path)
    assert [a.action for a in result.actions] == [row[1] for row in ROWS]


def _docx_plan(tmp_path: Path, document_edit=lambda xml: xml, numbering_edit=lambda xml: xml) -> Path:
    import io
    import zipfile

    import docx

    word = docx.Document()
    word.add_paragraph("Improvement plan for Testshire Council")
    table = word.add_table(rows=1 + len(ROWS), cols=5)
    for row, values in zip(table.rows, [HEADER.split("\t"), *ROWS]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.rows[1].cells[1].add_paragraph("and agree it with the board", style="List Number")
    buffer = io.BytesIO()
    word.save(buffer)
    path = tmp_path / "plan.docx"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = document_edit(data.decode("utf-8")).encode("utf-8")
            elif item.filename == "word/numbering.xml":
                data = numbering_edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return path


def _second_row(edit: str):
    def apply(xml: str) -> str:
        first = xml.index("<w:tr>")
        second = xml.index("<w:tr>", first + 1) + len("<w:tr>")
        return xml[:second] + edit + xml[second:]
    return apply


@pytest.mark.parametrize("edit", [
    '<w:trPr><w:gridBefore w:val="100000000"/></w:trPr>',
    '<w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc>',
])
def test_docx_grid_before_and_spans_are_clamped_to_the_tables_real_size(tmp_path, edit):
    from ingest.docx import read_docx

    document = read_docx(_docx_plan(tmp_path, document_edit=_second_row(edit)))
    assert document.tables[0].n_columns <= 6
    assert [issue.code for issue in document.issues] == ["clamped-span"]


def test_docx_list_numbering_from_a_billion_is_numbered_from_one(tmp_path):
    from ingest.docx import read_docx

    def huge_start(xml: str) -> str:
        return xml.replace('<w:start w:val="1"/>', '<w:start w:val="1000000000"/>').replace('w:val="decimal"', 'w:val="lowerLetter"')

    path = _docx_plan(tmp_path, numbering_edit=huge_start)
    document = read_docx(path)
    assert "clamped-numbering" in {issue.code for issue in document.issues}
    cell_text = document.tables[0].rows[1][1].text
    assert len(cell_text) < 200 and "a. and agree it with the board" in cell_text


def _pdf_page(text_rows: list[str], segments: int) -> bytes:
    """A one-page PDF: a few lines of text and ``segments`` short drawn lines."""
    text = b"BT /F1 10 Tf 50 780 Td 14 TL " + b" ".join(b"(%s) '" % row.encode("latin-1") for row in text_rows) + b" ET\n"
    drawing = b"".join(b"%d %d m %d %d l S\n" % (x % 500, 100 + x % 300, x % 500 + 1, 101 + x % 300) for x in range(segments))
    stream = zlib.compress(text + drawing)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf_file(objects)


def test_a_pdf_page_with_more_line_segments_than_any_table_is_read_without_them(tmp_path):
    from ingest.pdf import PdfSettings, read_pdf

    path = tmp_path / "lines.pdf"
    path.write_bytes(_pdf_page(["Improvement plan", "Review the referral pathway"], segments=3_000))
    document = read_pdf(path, settings=PdfSettings(max_segments=2_000))
    assert [issue.code for issue in document.issues] == ["too-many-lines"]
    assert "Review the referral pathway" in " ".join(block.text for block in document.text_blocks)
    assert read_pdf(path).issues == ()  # under the default limit the lines are used as usual


def test_a_pdf_of_blank_pages_is_skipped_as_having_no_text(tmp_path):
    path = tmp_path / "blank.pdf"
    path.write_bytes(_pdf_page([], segments=0))
    result = convert_file(path)
    assert (result.record.status, result.record.error) == ("skipped", "no text on any page")


# --------------------------------------------------------------------------- Ctrl-C

BLOCKING_READER = '''
import os, sys, threading
import ingest.text

_real = ingest.text.read_text_export


def _blocking(path, *args, **kwargs):
    if path.name.startswith("block"):
        print(f"BLOCKING {os.getpid()}", file=sys.stderr, flush=True)
        threading.Event().wait()  # until the process is stopped
    return _real(path, *args, **kwargs)


ingest.text.read_text_export = _blocking
'''


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # exited, waiting to be reaped


def _hear_ctrl_c() -> None:
    """In the child before exec: SIGINT back to its default, as in a terminal. A test run
    started in the background by a non-interactive shell inherits SIGINT ignored, Python
    then installs no KeyboardInterrupt handler, and the run would wait out its file time limit."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_workers_prints_one_line_and_keeps_the_previous_dataset(tmp_path):
    import signal
    import subprocess
    import sys

    plans = _beside_good_plan(tmp_path / "plans")
    out = tmp_path / "out"
    assert _convert([plans], out, *IN_PROCESS).exit_code == 0
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    (plans / "block.txt").write_text(small_plan(), encoding="utf-8")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(BLOCKING_READER, encoding="utf-8")  # runs in every process, workers too
    checkout = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hooks), str(checkout)])}
    process = subprocess.Popen([sys.executable, "-m", "actionplans.cli", "convert", str(plans), "--out", str(out), "--jobs", "2", "-q"],
                               env=env, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=_hear_ctrl_c)
    try:
        line = process.stderr.readline()  # the worker has started reading the blocking file
        assert line.startswith("BLOCKING "), line
        worker = int(line.split()[1])
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        rest = process.stderr.read()
        assert process.wait() == 130
    finally:
        if process.poll() is None:
            process.kill()
    assert rest.splitlines() == [f"interrupted: conversion stopped; the dataset in {out} is as it was"]
    assert _gone(worker)
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before
    assert not list(out.glob(".actionplans-staging-*"))


def test_pdfminer_warnings_are_silent_under_quiet_in_the_workers_too(tmp_path):
    import subprocess
    import sys

    plans = _beside_good_plan(tmp_path / "plans")
    damaged_font = b"<< /Type /Font /Subtype /TrueType /BaseFont /Foo /FontDescriptor << /Type /FontDescriptor /FontBBox [a b c] >> >>"
    (plans / "font.pdf").write_bytes(_pdf_page(["Improvement plan"], 0).replace(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", damaged_font))
    checkout = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, "-m", "actionplans.cli", "convert", str(plans), "--out", str(tmp_path / "out"), "--jobs", "2", "--format", "csv"]
    quiet = subprocess.run([*command, "-q"], env=env, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""
    verbose = subprocess.run([*command, "-v", "--force"], env=env, capture_output=True, text=True)
    assert "Could not get FontBBox" in verbose.stderr  # the warning exists; -q hides it
