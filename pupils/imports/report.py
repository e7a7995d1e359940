"""What an import did, for people: the lines the commands print, the summary rows the pages
show. (Reads only.)"""

from pupils.models import ImportRun

COUNT_LABELS = (
    ("rows_read", "Rows read"),
    ("created", "Records created"),
    ("updated", "Records updated"),
    ("unchanged", "Records unchanged"),
    ("held", "Rows held (not imported)"),
    ("imported_in_part", "Rows imported with a value left out"),
)


def count_rows(counts: dict) -> list[dict]:
    """Summary-list rows for one set of counts (a run's totals or one file's)."""
    return [{"key": label, "value": f"{counts.get(key, 0):,}"} for key, label in COUNT_LABELS]


def problem_rows(run: ImportRun) -> list[list[dict]]:
    """Table rows: each kind of problem and how many rows had it."""
    return [
        [{"text": kind, "header": True}, {"text": f"{count:,}", "numeric": True}]
        for kind, count in run.counts.get("problems", [])
    ]


def derived_rows(run: ImportRun) -> list[dict]:
    """Summary-list rows for the records derived after the import (cohort memberships)."""
    return [{"key": label, "value": f"{count:,}"} for label, count in run.counts.get("derived", [])]


def summary_lines(run: ImportRun, *, examples: int = 10) -> list[str]:
    """For the command line: the counts per file, the problems, and a few held rows."""
    lines = [f"{run.get_kind_display()}: import #{run.pk}, {run.get_status_display().lower()}"]
    for tally in run.counts.get("files", []):
        lines.append(f"  {tally['label']}:")
        lines += [f"    {label}: {tally.get(key, 0):,}" for key, label in COUNT_LABELS]
    for label, count in run.counts.get("derived", []):
        lines.append(f"  {label}: {count:,}")
    problems = run.counts.get("problems", [])
    if problems:
        lines.append("  Problems found (rows):")
        lines += [f"    {kind}: {count:,}" for kind, count in problems]
    if problems and examples:
        lines.append(f"  First {examples} rows with problems:")
        for held in run.held_rows.all()[:examples]:
            lines.append(f"    {held.file_name} row {held.row_number}: {held.reason}")
    return lines
