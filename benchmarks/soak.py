"""Soak the simulator: the reliability state machine of the test suite, for N minutes.

    python benchmarks/soak.py --minutes 10 [--seed 7] [--steps 50] [--no-replay]

Runs ``tests/cluster_machine.py``'s ClusterMachine — the same rules, invariants and journal
replay as ``tests/test_invariants.py`` — in batches of schedules, alternating the cockpit
(commands return at once) and the shell (blocking cmdlets), each batch with its own seed
(``--seed`` plus the batch number), until the time is up. Prints how many schedules and steps
it checked. On a violation it prints the shrunk schedule (the console commands, ready to paste)
with Hypothesis's ``@reproduce_failure`` blob and exits 1.

A benchmark in the architecture's sense: it prints, it never asserts on time.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, seed, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

from tests.cluster_machine import ClusterMachine  # noqa: E402

BATCH = 100


class Tally:
    schedules = 0
    steps = 0
    checks = 0


def counted(interactive: bool, replay: bool) -> type[ClusterMachine]:
    class Soaked(ClusterMachine):
        def teardown(self) -> None:
            Tally.schedules += 1
            Tally.steps += self.steps
            Tally.checks += self.checker.checks
            super().teardown()

    Soaked.interactive = interactive
    Soaked.check_replay = replay
    Soaked.__name__ = "CockpitSoak" if interactive else "ShellSoak"
    return Soaked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, required=True, help="how long to soak (wall-clock minutes)")
    parser.add_argument("--seed", type=int, default=0, help="first batch seed (batch k uses seed + k)")
    parser.add_argument("--steps", type=int, default=50, help="maximum steps per schedule (default 50)")
    parser.add_argument("--no-replay", action="store_true", help="skip the journal replay at the end of schedules")
    args = parser.parse_args(argv)

    deadline = time.monotonic() + args.minutes * 60
    started = time.monotonic()
    batch = 0
    machines = {True: counted(True, not args.no_replay), False: counted(False, not args.no_replay)}
    print(f"soaking for {args.minutes:g} min, seed {args.seed}, up to {args.steps} steps per schedule", flush=True)
    while time.monotonic() < deadline:
        interactive = batch % 2 == 0
        machine = seed(args.seed + batch)(machines[interactive])
        config = settings(
            max_examples=BATCH,
            stateful_step_count=args.steps,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
        )
        try:
            run_state_machine_as_test(machine, settings=config)
        except BaseException as exc:  # a violation, or an exception the console should have caught
            if isinstance(exc, KeyboardInterrupt):
                raise
            print(f"\nVIOLATION in batch {batch} (seed {args.seed + batch}, {machine.__name__}):", flush=True)
            traceback.print_exception(exc)
            report(time.monotonic() - started)
            return 1
        batch += 1
        elapsed = time.monotonic() - started
        print(f"  batch {batch:4}: {Tally.schedules:7} schedules, {Tally.steps:9} steps, {elapsed:7.0f} s", flush=True)
    report(time.monotonic() - started)
    return 0


def report(elapsed: float) -> None:
    print()
    print(f"{'schedules':>12} {'steps':>10} {'checks':>10} {'seconds':>9} {'steps/s':>9}")
    rate = Tally.steps / elapsed if elapsed else 0.0
    print(f"{Tally.schedules:12} {Tally.steps:10} {Tally.checks:10} {elapsed:9.0f} {rate:9.0f}")


if __name__ == "__main__":
    raise SystemExit(main())
