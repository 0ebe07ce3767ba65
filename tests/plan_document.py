"""Reads the plan's own text (fixtures/source/), independently of the fixtures, for fidelity tests.

The text is the document as extracted from its PDF: every printed line is followed by an
empty line, a line holding only spaces separates two activities, each activity starts with
one space where the PDF had a bullet glyph, and each table row starts with its targets
("Target 5", "Target 4", "and", "Target 7") before its first activity.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "fixtures" / "source" / "joint-work-plan-2016-2018.txt"
ACTIVITY_START = re.compile(r"^ [A-Z]")
SAME_AS_ABOVE = re.compile(r"\.?\s*\(same as above\)")


@dataclass
class Row:
    migratory_species_targets: list[int]
    aichi_targets: list[int]
    activities: list[str] = field(default_factory=list)


def normalise(lines) -> str:
    """One line of text; a hyphen that ends a printed line joins the two halves of the word."""
    text = ""
    for line in lines:
        line = line.strip()
        text += line if text.endswith("-") or not text else " " + line
    return re.sub(r"\s+", " ", text).strip()


def activity_text(lines: list[str]) -> str:
    """The words of an activity, without the "(same as above)" marker."""
    return SAME_AS_ABOVE.sub("", normalise(lines))


def read_document() -> tuple[str, list[Row]]:
    """The opening paragraphs, and the table's rows in order."""
    lines = [line for line in DOCUMENT.read_text(encoding="utf-8").split("\n") if line != ""]
    table_start = next(i for i, line in enumerate(lines) if line.strip() == "Migratory")
    opening = normalise(line for line in lines[1:table_start] if line.strip())

    rows: list[Row] = []
    header: list[int] = []
    current: list[str] | None = None

    def close_activity():
        nonlocal current
        if current:
            rows[-1].activities.append(activity_text(current))
        current = None

    for line in lines[table_start:]:
        stripped = line.strip()
        if ACTIVITY_START.match(line):
            close_activity()
            if header:
                rows.append(Row(header[:1], header[1:]))
                header = []
            current = [stripped]
        elif re.match(r"Target \d", stripped):
            close_activity()
            header += [int(n) for n in re.findall(r"Target (\d+)", stripped)]
        elif current is not None:
            if stripped:
                current.append(stripped)
            else:
                close_activity()
    close_activity()
    return opening, rows
