"""Reader for delimited text: ``.csv`` and ``.tsv`` files (and CSV content under another name).

* **Encoding**: :func:`ingest.decode.decode_bytes` (UTF-8 with or without BOM, UTF-16 with
  BOM, then charset-normalizer's guess, then cp1252), so an Excel "CSV (Windows)" export reads.
* **Delimiter**: ``csv.Sniffer`` proposes one from a sample; every candidate (its proposal,
  comma, semicolon, TAB, pipe) is then checked by parsing the sample and measuring how
  consistently rows share one field count. The delimiter whose rows agree best wins, so a
  plan whose cells are full of commas but whose columns are separated by semicolons (a
  European Excel export) is read by its columns, not its prose.
* **Quoting**: standard CSV quoting; a quoted cell may hold line breaks, which stay the
  cell's lines.
* **Shape**: as in a text export, a row with no text ends a table and a line with no
  delimiter at all is narrative text (:func:`ingest.grid.grid_to_blocks`); so is a line
  above the table, set apart by a blank line, with fewer fields than the table (a title
  with a comma in it). Excel's
  ``sep=;`` first line sets the delimiter.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.decode import decode_bytes
from ingest.grid import DATASET_OUTPUT_REASON, grid_to_blocks, is_dataset_output
from ingest.model import Document, Issue, Table, UnreadableFile

SNIFF_SAMPLE_CHARS = 64 * 1024
"""How much of the file the delimiter is chosen from."""
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
MIN_CONSISTENT_ROWS = 3
"""Rows that must share the modal field count before content alone says "delimited"."""
MIN_FIELDS = 3
"""An action plan has at least three columns (action, lead, date); fewer is not a plan table."""
MIN_CONSISTENCY = 0.8
"""Share of multi-field rows with the modal field count, for content alone to say "delimited"."""
_SEPARATOR_HINT = re.compile(r"^\s*sep=(.)\s*$")
_MAX_FIELD = 2**31 - 1  # a plan cell is never refused for its length


@dataclass(frozen=True)
class DelimiterGuess:
    delimiter: str
    fields: int  # the modal field count among rows with more than one field
    consistency: float  # share of multi-field rows with exactly that count
    rows: int  # rows with that count


def parse_rows(text: str, delimiter: str, strict: bool = False) -> list[list[str]]:
    """CSV-parse ``text``. A malformed file raises :class:`UnreadableFile` when ``strict``
    (the reader: never keep half a file quietly); otherwise the rows read so far (sniffing)."""
    csv.field_size_limit(_MAX_FIELD)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as error:
        if strict:
            raise UnreadableFile(f"malformed CSV near line {reader.line_num}: {error}") from None
    return rows


def has_quoted_line_breaks(text: str, delimiter: str = "\t") -> bool:
    """True when a quoted field holds a line break (Excel's "Unicode Text" export of a cell
    with several lines): splitting such a file on line ends would cut its rows apart."""
    sample = text[:SNIFF_SAMPLE_CHARS]
    if '"' not in sample:
        return False
    return any("\n" in field for row in parse_rows(sample, delimiter) for field in row)


def score_delimiter(sample: str, delimiter: str, truncated: bool = False) -> DelimiterGuess:
    """How well ``delimiter`` splits ``sample`` into rows of one width."""
    rows = [row for row in parse_rows(sample, delimiter) if any(cell.strip() for cell in row)]
    if truncated:
        rows = rows[:-1] or rows  # the last row of a cut sample may be cut short: no vote
    counts = Counter(len(row) for row in rows if len(row) > 1)
    if not counts:
        return DelimiterGuess(delimiter, 1, 0.0, 0)
    fields, rows_with = max(counts.items(), key=lambda item: (item[1], item[0]))
    return DelimiterGuess(delimiter, fields, rows_with / sum(counts.values()), rows_with)


def sniff_delimiter(text: str) -> DelimiterGuess:
    """The delimiter whose rows agree best on a field count (csv.Sniffer's proposal first)."""
    sample = text[:SNIFF_SAMPLE_CHARS]
    truncated = len(text) > SNIFF_SAMPLE_CHARS
    candidates = list(CANDIDATE_DELIMITERS)
    try:
        proposed = csv.Sniffer().sniff(sample, delimiters="".join(CANDIDATE_DELIMITERS)).delimiter
        candidates.insert(0, proposed)
    except csv.Error:
        pass
    guesses = [score_delimiter(sample, delimiter, truncated) for delimiter in dict.fromkeys(candidates)]
    return max(guesses, key=lambda guess: (guess.rows * guess.consistency, guess.fields > 1))


def looks_delimited(text: str) -> bool:
    """Content alone (no .csv name) says delimited: several rows of 3+ fields, nearly all alike.

    Prose has commas too, but its lines do not agree on a count of them; a letter's address
    block has two or three fields on one line, not the same three or more on most lines.
    """
    guess = sniff_delimiter(text)
    sample = text[:SNIFF_SAMPLE_CHARS]
    if guess.delimiter == "\t":
        return False  # TAB-separated text is the text-export reader's
    non_blank = [line for line in sample.splitlines() if line.strip()]
    return (
        guess.fields >= MIN_FIELDS
        and guess.rows >= MIN_CONSISTENT_ROWS
        and guess.consistency >= MIN_CONSISTENCY
        and guess.rows >= 0.5 * len(non_blank)
    )


def strip_separator_hint(text: str) -> tuple[str, str | None]:
    """Excel's ``sep=;`` first line names the delimiter; it is not part of the plan."""
    first, _, rest = text.partition("\n")
    match = _SEPARATOR_HINT.match(first.lstrip("\ufeff"))
    return (rest, match.group(1)) if match else (text, None)


def leading_text_rows(rows: list[list[str]], delimiter: str) -> list[list[str]]:
    """Rows above the table, narrower than it and set apart by a blank row, re-joined into
    one-field text lines.

    A title typed above a table ("Action log, meeting of 4 July 2024") is split at its
    commas by the CSV reader; narrower than the table and set apart from it, it is narrative,
    kept whole. A narrow row straight above the table (a header without the table's
    trailing unlabelled columns) stays a row.
    """
    widths = Counter(len(row) for row in rows if len(row) > 1)
    if not widths:
        return rows
    table_width = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
    first = next((index for index, row in enumerate(rows) if len(row) >= table_width), len(rows))
    blanks = [index for index in range(first) if not any(field.strip() for field in rows[index])]
    if not blanks:
        return rows
    before_gap = blanks[-1]
    joined = [[delimiter.join(row)] if any(field.strip() for field in row) else [] for row in rows[:before_gap]]
    return joined + rows[before_gap:]


def read_delimited(path: Path, data: bytes | None = None, sha256: str = "", delimiter: str | None = None) -> Document:
    """Read a CSV/TSV file into a :class:`Document`. ``delimiter`` None: sniffed."""
    raw = Path(path).read_bytes() if data is None else data
    text, encoding = decode_bytes(raw)
    issues: list[Issue] = []
    if encoding not in ("utf-8", "ascii", "utf-8-sig"):
        issues.append(Issue.from_reader("decoded-encoding", f"file is not UTF-8; decoded as {encoding}"))
    text, hinted = strip_separator_hint(text)
    delimiter = hinted or delimiter or sniff_delimiter(text).delimiter
    rows = leading_text_rows(parse_rows(text, delimiter, strict=True), delimiter)
    if rows and is_dataset_output(rows[0]):
        raise UnreadableFile(DATASET_OUTPUT_REASON, status="skipped")
    blocks = grid_to_blocks(rows, single_field_is_text=True)
    if not any(isinstance(block, Table) for block in blocks):
        raise UnreadableFile("no tables found (no rows with more than one field)", status="skipped")
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter, repr(delimiter))
    return Document(
        name=Path(path).name,
        format="tsv" if delimiter == "\t" else "csv",
        blocks=blocks,
        sha256=sha256,
        issues=tuple(issues),
        metadata=(("delimiter", name),),
    )
