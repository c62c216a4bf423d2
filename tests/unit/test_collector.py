"""The serving process's garbage-collector policy (``specmock.collector``): what survives the young
generations while serving leaves the generations the collector's full pass scans, so that pass does
not grow with the process's long-lived objects; stored records are never tracked at all; cyclic
garbage made while handling requests is still collected. Each case runs in a child process: freezing
the test runner's own objects is not the test's business. No time is measured."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import asyncio, gc, json, sys
    from specmock import collector
    from specmock.server import create_app

    policy, creates, LONG_LIVED = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    app = create_app("rebilly", seed=1, max_records=100_000, quiet=True)
    if policy == "serving":
        collector.serving(reloads=False)
    elif policy == "watching":
        collector.serving(reloads=True)
    path = "/organizations/org_0YVDM8RC7GDADADSBSMW124JA8/authentication-tokens"
    headers = {"reb-apikey": "k", "content-type": "application/json", "host": "127.0.0.1"}
    body = b'{"mode":"password","username":"a@b.co","password":"secret"}'

    async def main():
        statuses = set()
        for _ in range(creates):
            response, _ = await app.answer("POST", path, "", headers, body)
            statuses.add(response.status)
        listed, _ = await app.answer("GET", path, "limit=1", {"reb-apikey": "k"}, b"")
        return statuses, listed.status

    statuses, listed = asyncio.run(main())
    kept = [[n] for n in range(LONG_LIVED)]  # made while serving and kept (as caches are)
    gc.collect(1)  # a young collection: what the policy freezes after
    young = []
    young.append(young)  # cyclic garbage, made now
    del young
    print(json.dumps({
        "statuses": sorted(statuses),
        "listed": listed,
        "generation2": len(gc.get_objects(2)),
        "tracked": len(gc.get_objects()),
        "frozen": gc.get_freeze_count(),
        "cycle_collected": gc.collect(1),
        "hooked": any(getattr(c, "__module__", "") == "specmock.collector" for c in gc.callbacks),
    }))
    """
)
CREATES = 12_000
LONG_LIVED = 5_000


def run_child(policy: str, creates: int = CREATES) -> dict[str, int]:
    """The child's counts (objects in generation 2, tracked in all, frozen, cycles collected, whether
    the hook is on) after ``creates`` creates, each of which must have been stored (201) and the list
    still answered, and LONG_LIVED objects made and kept."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, policy, str(creates), str(LONG_LIVED)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result.pop("statuses") == [201]
    assert result.pop("listed") == 200
    return {name: int(value) for name, value in result.items()}


def test_stored_records_add_nothing_to_what_the_collector_scans() -> None:
    """10,000 more stored records, not one more object for any pass (records are plain bytes)."""
    fewer, more = run_child("none", creates=CREATES - 10_000), run_child("none")
    assert more["tracked"] - fewer["tracked"] < 1_000


def test_a_serving_process_keeps_what_survives_out_of_the_full_pass() -> None:
    serving, unmanaged = run_child("serving"), run_child("none")
    # Without the policy every long-lived object waits in generation 2 for the next full pass.
    assert unmanaged["generation2"] >= LONG_LIVED
    assert serving["generation2"] < LONG_LIVED // 4
    assert serving["frozen"] >= LONG_LIVED
    assert serving["hooked"] == 1
    assert serving["cycle_collected"] >= 1  # young cyclic garbage is still reclaimed


def test_with_reloads_nothing_made_while_serving_is_frozen() -> None:
    """``--watch`` drops whole mounted APIs (cyclic): only the start-up objects are frozen."""
    watching = run_child("watching")
    assert watching["hooked"] == 0
    assert watching["generation2"] >= LONG_LIVED
