"""The lab picker (L): the library with objectives and your progress, filtered as you type."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from clusterlab.lab import LabProgress, LibraryEntry, ProgressStore, duration_text


@dataclass(frozen=True, slots=True)
class LabChoice:
    """What the picker returns: open this lab (``restart``: from the beginning, not where you stopped)."""

    lab_id: str
    restart: bool = False


class LabPicker(ModalScreen[LabChoice | None]):
    """Enter opens the selected lab (continuing where you stopped); ctrl+r starts it afresh; esc closes."""

    DEFAULT_CSS = """
    LabPicker { align: center middle; }
    LabPicker > Vertical { width: 95%; max-width: 150; height: 85%; border: round $primary; background: $surface; }
    LabPicker #picker-filter { margin: 0 1; }
    LabPicker #picker-table { height: 1fr; }
    LabPicker #picker-detail { height: auto; max-height: 6; padding: 0 1; border-top: solid $panel; }
    LabPicker #picker-help { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [  # noqa: RUF012 (Textual's own type)
        Binding("escape", "dismiss_picker", "Close", id="picker.close", tooltip="Back to the lab you are in"),
        Binding("ctrl+r", "restart", "Start afresh", id="picker.restart", tooltip="Open the lab from its first step"),
    ]

    def __init__(self, entries: list[LibraryEntry], store: ProgressStore, problems: list[str] | None = None) -> None:
        super().__init__()
        self.entries = entries
        self.store = store
        self.problems = problems or []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "[b]Labs[/] — type to filter by id, title or objective (e.g. [i]AZ-801/cau[/], [i]quorum[/])",
                id="picker-title",
            )
            yield Input(placeholder="filter", id="picker-filter")
            yield DataTable(id="picker-table", cursor_type="row", zebra_stripes=True)
            # the highlighted lab in full: a narrow terminal cuts the table's columns
            yield Static("", id="picker-detail")
            help_text = "enter open (continues where you stopped) · ctrl+r start afresh · esc close"
            if self.problems:
                help_text += f" · {len(self.problems)} lab file(s) could not be read"
            yield Static(help_text, id="picker-help")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Lab", "Title", "Objectives", "Sim time", "Kind", "Your progress")
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._show_detail(None)
        words = text.lower().split()
        for e in self.entries:
            hay = " ".join([e.id, e.lab.title, *e.lab.objectives, e.kind]).lower()
            if words and not all(w in hay for w in words):
                continue
            progress = self.store.labs.get(e.id, LabProgress(e.id))
            status = progress.status() if e.kind == "walkthrough" else ""
            table.add_row(
                e.id,
                e.lab.title,
                ", ".join(e.lab.objectives) or "-",
                duration_text(e.duration_s),
                e.kind,
                status,
                key=e.id,
            )

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value) if event.row_key is not None else None)

    def _show_detail(self, lab_id: str | None) -> None:
        detail = self.query_one("#picker-detail", Static)
        entry = next((e for e in self.entries if e.id == lab_id), None)
        if entry is None:
            detail.update("")
            return
        lab = entry.lab
        progress = self.store.labs.get(entry.id, LabProgress(entry.id))
        facts = [entry.kind, f"{duration_text(entry.duration_s)} simulated"]
        if lab.objectives:
            facts.append(", ".join(lab.objectives))
        if entry.kind == "walkthrough":
            status = progress.status()
            facts.append("not started" if status == "-" else status)
        summary = " ".join(lab.summary.split())
        detail.update(
            Text.assemble(
                (lab.title, "bold"), "\n", (" · ".join(facts), "italic"), *(("\n", summary) if summary else ())
            )
        )

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit(self) -> None:
        self._choose(restart=False)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self._choose(restart=False)

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key in ("down", "up") and self.query_one(Input).has_focus:
            table = self.query_one(DataTable)
            table.focus()

    def _choose(self, restart: bool) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify("No lab matches the filter.", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.dismiss(LabChoice(str(key), restart=restart))

    def action_restart(self) -> None:
        self._choose(restart=True)

    def action_dismiss_picker(self) -> None:
        self.dismiss(None)
