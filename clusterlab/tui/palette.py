"""The one command-palette provider: every cockpit action, for every node and role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from clusterlab.tui.app import ClusterLabApp, PaletteEntry


class ClusterCommands(Provider):
    """Lab faults, ClusSvc, pause, witness, moves and the clock, each shown with its cmdlet."""

    def _entries(self) -> list[PaletteEntry]:
        app: ClusterLabApp = self.app  # type: ignore[assignment]
        return app.palette_entries()

    async def discover(self) -> Hits:
        for entry in self._entries():
            if entry.discover:
                yield DiscoveryHit(entry.title, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            haystack = f"{entry.title} {entry.help}"
            score = max(matcher.match(entry.title), matcher.match(haystack) * 0.9)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, text=entry.title, help=entry.help)
