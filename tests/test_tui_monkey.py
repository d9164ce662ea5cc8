"""A monkey at the cockpit: a long seeded sequence of every key the app binds, arrows, tab, escape,
enter, the console's colon and typed text, and mouse clicks anywhere, with simulated time passing
in between. At the end the app still runs, its screen stack is sane, and the cluster invariants of
the reliability state machine (tests/cluster_machine.py) have held after every burst.

Leaving keys (q, the lab picker's L, the command palette that can reach both) are left out: they
end the app on purpose.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import random

from textual.binding import Binding
from textual.pilot import Pilot

import clusterlab.tui
from clusterlab.tui import ClusterLabApp, make_app
from tests.cluster_machine import InvariantChecker
from tests.test_tui import drive

LEAVING_ACTIONS = {"quit_cockpit", "pick_lab", "quit", "command_palette"}
SEED = 20261128
KEYS_PER_BURST = 25
BURSTS = 5


def binding_keys() -> list[str]:
    """Every key bound anywhere in the cockpit: app, screens, widgets and the key lists they share."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(clusterlab.tui.__path__, "clusterlab.tui."):
        module = importlib.import_module(info.name)
        candidates: list[object] = []
        for value in vars(module).values():
            if isinstance(value, list):
                candidates.extend(value)
            if inspect.isclass(value) and value.__module__ == module.__name__:
                candidates.extend(getattr(value, "BINDINGS", []))
        for b in candidates:
            if isinstance(b, Binding) and b.action.split("(")[0] not in LEAVING_ACTIONS:
                found.update(k.strip() for k in b.key.split(","))
    return sorted(found - {"q", "ctrl+q", "ctrl+c", "ctrl+p"})  # q: another binding shares the quit key


TYPING = [*"Get-ClusterNode Move HV02 -Crash ' \" | { } ( ) $ ;", "space", "backspace"]
MOVES = ["up", "down", "left", "right", "tab", "shift+tab", "escape", "enter", "colon", "pageup", "pagedown"]


def test_a_monkey_at_the_keyboard_and_mouse_breaks_nothing() -> None:
    keys = binding_keys()
    assert {"c", "d", "U", "b", "e"} <= set(keys), keys  # the collection found the real bindings
    rnd = random.Random(SEED)
    pressed: list[str] = []

    async def monkey(app: ClusterLabApp, pilot: Pilot[None]) -> None:
        checker = InvariantChecker(app.cluster)
        base = app.screen_stack[0]
        for _ in range(BURSTS):
            for _ in range(KEYS_PER_BURST):
                roll = rnd.random()
                if roll < 0.5:
                    key = rnd.choice(keys)
                elif roll < 0.75:
                    key = rnd.choice(MOVES)
                else:
                    key = rnd.choice(TYPING)
                pressed.append(key)
                await pilot.press(key)
                if rnd.random() < 0.05:
                    x, y = rnd.randrange(120), rnd.randrange(40)
                    pressed.append(f"click@{x},{y}")
                    await pilot.click(offset=(x, y))
            app.advance_sim(rnd.choice([1.0, 20.0, 90.0, 400.0]))
            await pilot.pause()
            assert app.is_running, f"the app stopped ({app.return_code}) after {pressed[-KEYS_PER_BURST:]}"
            assert app.screen_stack[0] is base, "the cockpit's own screen is always at the bottom"
            assert len(app.screen_stack) <= 3, [type(s).__name__ for s in app.screen_stack]
            checker.check()
        while len(app.screen_stack) > 1:  # escape closes whatever the monkey left open
            await pilot.press("escape")
            await pilot.pause()
            if len(app.screen_stack) > 1 and app.screen_stack[-1] is app.screen:
                app.pop_screen()
        assert app.screen is base
        checker.check()

    app = drive(monkey, app=make_app(paused=True))
    assert app.return_code in (None, 0)
    assert app.cluster._w.bus.subscriber_errors == [], "a view choked on an event"
