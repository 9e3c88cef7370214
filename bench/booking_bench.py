"""Booking benchmark: slot-search latency with a year of bookings, and the race.

Run from the project root:

    .venv/bin/python bench/booking_bench.py
    .venv/bin/python bench/booking_bench.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

SQLite always (a temporary file); PostgreSQL when an admin URL is given (a
temporary database is created and dropped). For each database:

1. seeds content/booking.yml (2 advisors, Mon-Thu 9-15, Fri 9-12, 45 + 15 min),
2. fills a year of bookings: every slot of the past 300 days and a random 70 %
   of the bookable horizon (so searches must skip busy slots),
3. times ``find_offers`` for typical wishes (p50/p95/max; target p95 < 20 ms),
   plus ``find_slot`` (the check before booking),
4. the race: 20 threads book the same slot at once (one advisor free) and
   reports winners, losers and timings.

Timings are printed, never asserted (tests never time things).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from bot.app.schema import create_schema  # noqa: E402
from bot.features import booking as bk  # noqa: E402
from bot.infra.db import make_engine, make_session_factory, session_scope  # noqa: E402
from bot.language.timewish import parse_wish  # noqa: E402

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=TZ)  # a Wednesday, reproducible
TARGET_P95_MS = 20.0
WISHES = [
    "",
    "på torsdag",
    "i næste uge om formiddagen",
    "den 22. januar kl. 10",
    "efter kl. 14",
    "ikke mandag",
    "i februar",
]


def pct(values: List[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn: Callable[[], Any], n: int) -> List[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def fill_year(engine: Engine, rng: random.Random) -> int:
    """Bookings on every slot of the past 300 days and 70 % of the horizon."""
    factory = make_session_factory(engine)
    rows: List[Dict[str, Any]] = []
    blocks: List[Dict[str, Any]] = []
    with factory() as session:
        cal = bk.load_calendar(session, today=NOW.date())
        day = NOW.date() - timedelta(days=300)
        end = NOW.date() + timedelta(days=cal.horizon_days)
        next_id = 1
        while day <= end:
            window_now = datetime.combine(day, datetime.min.time(), TZ)
            last = min(day + timedelta(days=cal.horizon_days - 1), end)
            for slot in bk.iter_free_slots(
                session, now=window_now, first_day=day, last_day=last, calendar=cal
            ):
                future = slot.start >= NOW
                for advisor_id in slot.advisor_ids:
                    if future and rng.random() > 0.7:
                        continue
                    start = slot.utc.replace(tzinfo=None)
                    until = start + cal.meeting + cal.buffer
                    rows.append(
                        {
                            "id": next_id,
                            "reference": f"B{next_id:05d}",
                            "advisor_id": advisor_id,
                            "starts_at": start,
                            "ends_at": start + cal.meeting,
                            "blocked_until": until,
                            "meeting_type": bk.IN_PERSON,
                            "topic": "Benchmark",
                            "name": "Bench Mark",
                            "phone": f"{10000000 + next_id}",
                            "email": None,
                            "status": bk.ACTIVE,
                            "sequence": 0,
                            "created_at": start - timedelta(days=7),
                        }
                    )
                    t = start
                    while t < until:
                        blocks.append(
                            {"advisor_id": advisor_id, "block_start": t, "booking_id": next_id}
                        )
                        t += timedelta(minutes=bk.BLOCK_MINUTES)
                    next_id += 1
            day = last + timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(insert(bk.Booking.__table__), rows)
        for i in range(0, len(blocks), 5000):
            conn.execute(insert(bk.BookedBlock.__table__), blocks[i : i + 5000])
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('booking_id_seq', (SELECT max(id) FROM booking))"))
            conn.execute(text("ANALYZE"))
    return len(rows)


def search_latency(engine: Engine, iterations: int) -> None:
    factory = make_session_factory(engine)
    all_ms: List[float] = []
    print(f"  {'wish':<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  first offer")
    with factory() as session:
        for wish_text in WISHES:
            wish = parse_wish(wish_text, NOW) if wish_text else None
            offers = bk.find_offers(session, now=NOW, wish=wish)  # warm-up
            ms = timed(lambda w=wish: bk.find_offers(session, now=NOW, wish=w), iterations)
            all_ms += ms
            first = offers.slots[0].start.strftime("%a %d %b %H:%M") if offers.slots else "-"
            tag = "" if offers.matched else " (nearest)"
            print(
                f"  {wish_text or '(no wish)':<30} {pct(ms, 50):8.2f} {pct(ms, 95):8.2f}"
                f" {max(ms):8.2f}  {first}{tag}"
            )
        slot = bk.find_offers(session, now=NOW).slots[-1]
        ms_slot = timed(lambda: bk.find_slot(session, slot.start, now=NOW), iterations)
    p95 = pct(all_ms, 95)
    verdict = "OK" if p95 < TARGET_P95_MS else "MISSED"
    print(
        f"  {'all find_offers':<30} {pct(all_ms, 50):8.2f} {p95:8.2f} {max(all_ms):8.2f}"
        f"  target p95 < {TARGET_P95_MS:.0f} ms: {verdict}"
    )
    print(
        f"  {'find_slot (pre-book check)':<30} {pct(ms_slot, 50):8.2f} {pct(ms_slot, 95):8.2f}"
        f" {max(ms_slot):8.2f}"
    )


def race(engine_url: str, threads: int) -> None:
    """``threads`` simultaneous attempts on one slot with exactly one advisor free."""
    if engine_url.startswith("postgresql"):
        engine = create_engine(engine_url, future=True, pool_size=threads + 1, max_overflow=0)
    else:
        engine = make_engine(engine_url)
    factory = make_session_factory(engine)
    with factory() as session:
        offers = bk.find_offers(session, now=NOW, wish=parse_wish("i næste uge", NOW))
        target = next((s for s in offers.slots if len(s.advisor_ids) == 1), offers.slots[0])
    count_at_target = (
        select(func.count(bk.Booking.id))
        .where(bk.Booking.starts_at == target.utc.replace(tzinfo=None))
        .where(bk.Booking.status == bk.ACTIVE)
    )
    with factory() as session:
        before = session.execute(count_at_target).scalar_one()
    barrier = threading.Barrier(threads)
    results: List[Any] = [None] * threads
    durations: List[float] = [0.0] * threads

    def attempt(i: int) -> None:
        req = bk.BookingRequest(
            start=target.start,
            meeting_type=bk.PHONE,
            topic="Race",
            name="Race",
            phone=f"2{i:07d}",
        )
        barrier.wait()
        t0 = time.perf_counter()
        try:
            # One unit of work per attempt, as in the actions (the commit is timed too).
            with session_scope(factory) as s:
                results[i] = bk.book(s, req, now=NOW)
        except Exception as exc:  # noqa: BLE001 - counted below
            results[i] = exc
        durations[i] = (time.perf_counter() - t0) * 1000

    t0 = time.perf_counter()
    workers = [threading.Thread(target=attempt, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = (time.perf_counter() - t0) * 1000
    winners = sum(isinstance(r, bk.BookingInfo) for r in results)
    losers = [r for r in results if isinstance(r, bk.SlotTaken)]
    errors = [
        type(r).__name__ for r in results if not isinstance(r, (bk.BookingInfo, bk.SlotTaken))
    ]
    with factory() as session:
        after = session.execute(count_at_target).scalar_one()
    engine.dispose()
    print(
        f"  {threads} threads on {target.start:%a %d %b %H:%M} ({len(target.advisor_ids)} advisor"
        f" free): winners={winners}, slot-taken with alternatives="
        f"{sum(bool(r.alternatives) for r in losers)}/{len(losers)}, errors={errors or 0}"
    )
    print(
        f"  active bookings at that time: {before} before, {after} after the race;"
        f" wall {wall:.0f} ms, per attempt p50 {pct(durations, 50):.1f} ms,"
        f" p95 {pct(durations, 95):.1f} ms, max {max(durations):.1f} ms"
    )


def run_for(url: str, label: str, iterations: int, threads: int) -> None:
    print(f"\n== {label}")
    engine = make_engine(url)
    create_schema(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        bk.seed_from_file(session, ROOT / "content" / "booking.yml", now=NOW)
    t0 = time.perf_counter()
    n = fill_year(engine, random.Random(42))
    print(
        f"  filled {n} bookings (past 300 days + 70 % of the horizon)"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    search_latency(engine, iterations)
    engine.dispose()
    race(url, threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", help="admin URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--threads", type=int, default=20)
    args = parser.parse_args()
    print(f"reference now: {NOW.isoformat()}; {args.iterations} searches per wish")
    with tempfile.TemporaryDirectory() as tmp:
        run_for(f"sqlite:///{tmp}/bench.db", "SQLite", args.iterations, args.threads)
    if args.postgres:
        name = f"borger_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = f"{args.postgres.rsplit('/', 1)[0]}/{name}"
            run_for(url, "PostgreSQL", args.iterations, args.threads)
        finally:
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :n AND pid <> pg_backend_pid()"
                    ),
                    {"n": name},
                )
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()


if __name__ == "__main__":
    main()
