"""Rerunnable benchmark of the tracker on PostgreSQL under gunicorn, driven by wrk.

Run it with `bench/run` (see the README). For each data size it builds a fresh database,
serves the app with gunicorn (2 workers, DEBUG off, persistent connections), and measures
each page side by side with a bare Django view (the floor of this stack) and Django admin's
activity changelist. Results go to docs/benchmarks.md (or --output).
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
SUBJECTS = ["marine debris", "bycatch", "flyways", "wetlands"]
HEADER = "| page | queries | median ms | p95 ms | req/s (8 conn.) | × bare | × admin |"
DATABASE = "workplan_bench"
ROLE = "workplan_bench"


def psql(sql: str) -> str:
    return subprocess.run(
        ["su", "postgres", "-c", f'psql -qtAc "{sql}"'], capture_output=True, text=True, check=True
    ).stdout


def fresh_database() -> str:
    if ROLE not in psql(f"SELECT rolname FROM pg_roles WHERE rolname='{ROLE}'"):
        psql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE}' CREATEDB")
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    return f"postgres://{ROLE}:{ROLE}@127.0.0.1:5432/{DATABASE}"


def environment(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        "BENCHMARK": "true",
        "ENV_FILE": "/dev/null",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "workplan.settings",
    }


def seed(n: int) -> dict:
    """The plan plus synthetic activities up to `n` in all; returns ids the pages need."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from activities.models import Activity, ActivityTarget, Plan, Status, StatusChange
    from targets.models import Target

    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0)
    plan = Plan.objects.get()
    rng = random.Random(n)
    users = get_user_model().objects
    owners = [users.create_user(f"owner{i}", first_name="Owner", last_name=str(i)) for i in range(20)]
    cms = list(Target.objects.filter(framework__slug="cms"))
    aichi = list(Target.objects.filter(framework__slug="aichi"))
    statuses = Status.values
    extra = max(0, n - Activity.objects.count())
    histories = []
    for _ in range(extra):
        day, history = datetime.date(2016, 1, 1), []
        for _ in range(rng.randint(0, 20)):
            day += datetime.timedelta(days=rng.randint(1, 50))
            history.append((rng.choice(statuses), day))
        histories.append(history)
    # Each activity's status is its latest change's, as the application keeps it.
    new = Activity.objects.bulk_create(
        Activity(
            plan=plan,
            number=1000 + i,
            title=f"Synthetic activity {i} on {rng.choice(SUBJECTS)}",
            text="Keep each other informed about synthetic work with a view to streamline efforts.",
            status=history[-1][0] if history else Status.NOT_REPORTED,
            status_since=history[-1][1] if history else None,
        )
        for i, history in enumerate(histories)
    )
    links, changes, owned = [], [], []
    for activity, history in zip(new, histories, strict=True):
        for target in rng.sample(cms, rng.randint(1, 4)) + rng.sample(aichi, rng.randint(1, 4)):
            links.append(ActivityTarget(activity=activity, target=target))
        for owner in rng.sample(owners, rng.randint(0, 3)):
            owned.append(Activity.owners.through(activity=activity, user=owner))
        old = Status.NOT_REPORTED
        for status, day in history:
            changes.append(
                StatusChange(activity=activity, old_status=old, new_status=status, effective_on=day)
            )
            old = status
    ActivityTarget.objects.bulk_create(links, batch_size=5000)
    Activity.owners.through.objects.bulk_create(owned, batch_size=5000)
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    Activity.objects.filter(plan=plan).refresh_target_sort_key()  # what services.links_changed keeps
    staff = users.create_superuser("bench-admin", "bench@example.org", secrets.token_urlsafe(16))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the statistics autovacuum would gather in production
    return {
        "activity": Activity.objects.get(plan=plan, number=14).pk,
        "staff": staff.pk,
        "activities": Activity.objects.count(),
    }


PAGES = {
    "activity list": "/",
    "list, filtered by one target of each framework": "/?cms=5&aichi=4",
    "list, free-text search": "/?q=marine",
    "activity page": "/activities/{activity}/",
    "target page": "/targets/aichi/11/",
    "coverage matrix": "/coverage/",
    "dashboard": "/dashboard/",
    "CSV export": "/activities.csv",
    "admin activity changelist": "/admin/activities/activity/",
}


def query_counts(ids: dict, session: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session
    counts = {}
    for name, path in PAGES.items():
        with CaptureQueriesContext(connection) as context:
            response = client.get(path.format(**ids))
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            if response.streaming:
                b"".join(response.streaming_content)
        counts[name] = len(context)
    return counts


def staff_session(ids: dict) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=ids["staff"]))
    return client.cookies["sessionid"].value


def wrk(path: str, connections: int, seconds: int, session: str) -> dict:
    command = [
        "wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s",
        "-s", str(ROOT / "bench" / "latency.lua"), "-H", f"Cookie: sessionid={session}",
        f"http://127.0.0.1:{PORT}{path}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    if result["non2xx"] or result["errors"]:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        answer = connection.getresponse()
        raise RuntimeError(
            f"{path}: {result['non2xx']} answers not 2xx, {result['errors']} errors; "
            f"one request gives {answer.status} {answer.getheader('Location') or ''}: {answer.read(300)!r}"
        )
    return result


def status_update_latency(ids: dict, session: str, rounds: int) -> float:
    """Median milliseconds of a status update POST, made as a browser would (page, then form)."""
    timings = []
    for i in range(rounds):
        connection = http.client.HTTPConnection("127.0.0.1", PORT)
        connection.request(
            "GET", f"/activities/{ids['activity']}/", headers={"Cookie": f"sessionid={session}"}
        )
        response = connection.getresponse()
        page = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        body = (
            f"csrfmiddlewaretoken={token}&status={['planned', 'in_progress'][i % 2]}&effective_on=2017-01-01"
        )
        body += f"&note=bench&version={version}"
        started = time.perf_counter()
        connection.request(
            "POST",
            f"/activities/{ids['activity']}/progress/",
            body=body,
            headers={
                "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{PORT}/",
            },
        )
        answer = connection.getresponse()
        answer.read()
        timings.append((time.perf_counter() - started) * 1000)
        connection.close()
        if answer.status != 302:
            raise RuntimeError(f"status update answered {answer.status}")
    return statistics.median(timings)


def worker_peak_kb(master: int) -> int:
    peaks = 0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        peaks = max(peaks, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
    return peaks


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "workplan.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def measure(n: int, seconds: float, rounds: int) -> dict:
    env = environment(fresh_database())
    os.environ.update(env)
    import django
    from django import db

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # production serves the hashed files
    ids = seed(n)
    session = staff_session(ids)
    counts = query_counts(ids, session)
    explain = explain_list(session)
    db.connections.close_all()
    server = serve(env)
    try:
        memory = export_memory(server.pid, session)
        results = {}
        for name, path in PAGES.items():
            path = path.format(**ids)
            size = len(http_get(path, session))
            results[name] = {
                "activities": ids["activities"],
                "queries": counts[name],
                "bytes": size,
                "one": wrk(path, 1, seconds, session),
                "eight": wrk(path, 8, seconds, session),
                "bare": wrk(f"/bench/bare/{size}/", 1, seconds, session),
            }
        results["CSV export"].update(memory, streaming=export_streaming(session, rounds=3))
        results["status update"] = {"post_ms": status_update_latency(ids, session, rounds)}
        results["explain"] = explain
    finally:
        server.terminate()
        server.wait()
    return results


def export_memory(master: int, session: str) -> dict:
    """Peak resident memory of the workers, warmed with list pages, before and after exports."""
    for _ in range(8):
        http_get("/", session)
    before = worker_peak_kb(master)
    for _ in range(4):
        http_get("/activities.csv", session)
    return {"peak_before_kb": before, "peak_kb": worker_peak_kb(master)}


def export_streaming(session: str, rounds: int) -> dict:
    """Median milliseconds to the CSV export's first byte and to its last."""
    first, last = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        connection.request("GET", "/activities.csv", headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read(1)
        first.append((time.perf_counter() - started) * 1000)
        response.read()
        last.append((time.perf_counter() - started) * 1000)
        connection.close()
    return {"first_byte_ms": statistics.median(first), "last_byte_ms": statistics.median(last)}


# The list's filters and sorts, each with the index it should use.
EXPLAINED = {
    "plan order (no filter)": "/",
    "one Migratory Species Target": "/?cms=5",
    "one Aichi Target": "/?aichi=11",
    "one target of each framework": "/?cms=5&aichi=4",
    "status": "/?status=completed",
    "lead": "/?lead=CBD",
    "owner": "/?owner={owner}",
    "words, rare (one activity)": "/?q=4242",
    "words, common (a quarter of the activities)": "/?q=marine",
    "status as of a date": "/?as_of=2017-06-30",
    "sort by status": "/?sort=status",
    "sort by last update, newest first": "/?sort=-updated",
    "sort by target": "/?sort=target",
}
INDEX_USE = re.compile(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)")


def explain_list(session: str) -> list[dict]:
    """EXPLAIN ANALYZE of the list's page and count queries for each filter and sort."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session
    owner = get_user_model().objects.filter(owned_activities__isnull=False).first()
    explained = []
    for name, path in EXPLAINED.items():
        if "{owner}" in path and owner is None:
            continue  # the plan alone has no owners yet
        path = path.format(owner=owner.pk if owner else "")
        with CaptureQueriesContext(connection) as context:
            client.get(path)
        listed = [
            query["sql"]
            for query in context.captured_queries
            if 'FROM "activities_activity"' in query["sql"] and "_prefetch_related_val" not in query["sql"]
        ]
        plans = []
        for sql in listed:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        text = "\n\n".join(plans)
        explained.append(
            {
                "name": name,
                "path": path,
                "indexes": sorted(set(INDEX_USE.findall(text))),
                "ms": sum(float(m) for m in re.findall(r"Execution Time: ([\d.]+) ms", text)),
                "plan": text,
            }
        )
    return explained


def http_get(path: str, session: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return body


def ratio(value: float, base: float) -> str:
    """A ratio for the tables; a page that answered no request in the time has none."""
    return f"{value / base:.2f}" if value and base else "n/a"


def versions() -> str:
    from importlib.metadata import version

    server = psql("SHOW server_version").strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.machine(),
    )  # fmt: skip
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Django {version('django')}, PostgreSQL {server}, gunicorn {version('gunicorn')} with 2 sync "
        f"workers, wrk {wrk_version}"
    )


def report(runs: dict, seconds: float) -> str:
    sizes = list(runs)
    admin = "admin activity changelist"
    lines = [
        "# Benchmarks",
        "",
        f"Made by `bench/run` on {datetime.date.today():%-d %B %Y}. {versions()}. wrk runs {seconds} s "
        "per measurement: one connection for latency (median and 95th percentile, ms), eight for "
        'throughput (requests per second). "× bare" divides by the median of a Django view returning '
        "the same number of bytes through the same middleware, measured right after the page; "
        '"× admin" by the median of Django admin\'s activity changelist at the same N. Pages are read '
        "by a signed-in superuser; query counts are read in the same process with Django's test client.",
        "",
    ]
    lines += criteria(runs)
    for n in sizes:
        results = runs[n]
        lines += [
            f"## N = {results['activity list']['activities']:,} activities",
            "",
            HEADER,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        admin_median = results[admin]["one"]["p50_ms"]
        for name in PAGES:
            r = results[name]
            lines.append(
                f"| {name} | {r['queries']} | {r['one']['p50_ms']:.1f} | {r['one']['p95_ms']:.1f} | "
                f"{r['eight']['rps']:.0f} | {ratio(r['one']['p50_ms'], r['bare']['p50_ms'])} | "
                f"{ratio(r['one']['p50_ms'], admin_median)} |"
            )
        csv = results["CSV export"]
        stream = csv["streaming"]
        lines += [
            "",
            f"Status update POST: median {results['status update']['post_ms']:.1f} ms "
            f"(activity page {results['activity page']['one']['p50_ms']:.1f} ms). "
            f"CSV export ({csv['bytes'] / 1e6:.1f} MB): first byte after "
            f"{stream['first_byte_ms']:.0f} ms, last after {stream['last_byte_ms']:.0f} ms; "
            f"worker peak memory {csv['peak_before_kb'] / 1024:.0f} MB before exporting, "
            f"{csv['peak_kb'] / 1024:.0f} MB after.",
            "",
        ]
    lines += explained(runs[sizes[-1]])
    notes = ROOT / "bench" / "notes.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8")]
    return "\n".join(lines) + "\n"


def criteria(runs: dict) -> list[str]:
    """The issue's targets, checked against this run (keys are sizes, as JSON keeps them)."""
    sizes = list(runs)
    small, large = runs[sizes[0]], runs.get(10000) or runs[sizes[-1]]  # the targets are at 10,000
    n_small, n_large = (f"{r['activity list']['activities']:,}" for r in (small, large))
    mid = runs.get(1000) or runs[sizes[0]]
    lists = ["activity list", "list, filtered by one target of each framework", "list, free-text search"]
    filtered = lists[1]
    median = lambda r, page: r[page]["one"]["p50_ms"]  # noqa: E731
    rows = []

    def check(what, ok, measured):
        rows.append(f"| {what} | {'yes' if ok else '**no**'} | {measured} |")

    flat = [p for p in PAGES if small[p]["queries"] != large[p]["queries"]]
    check(
        f"same queries per request at N = {n_small} and {n_large}",
        not flat,
        "all pages" if not flat else "differ: " + ", ".join(flat),
    )
    most = max(large[p]["queries"] for p in PAGES)
    check("at most 10 queries per page", most <= 10, f"most: {most}")
    growth = median(large, filtered) / median(small, filtered)
    check(
        f"filtered list at N = {n_large} within 1.3× of N = {n_small}",
        growth <= 1.3,
        f"{median(large, filtered):.1f} / {median(small, filtered):.1f} ms = {growth:.2f}×",
    )
    worst_bare = max(median(large, p) / large[p]["bare"]["p50_ms"] for p in lists)
    check("list pages within 3× the bare view", worst_bare <= 3, f"worst {worst_bare:.1f}×")
    worst_admin = max(median(large, p) / median(large, "admin activity changelist") for p in lists)
    check("list pages no slower than the admin changelist", worst_admin <= 1, f"worst {worst_admin:.2f}×")
    update = large["status update"]["post_ms"] / median(large, "activity page")
    check("status update within 1.5× an activity page", update <= 1.5, f"{update:.2f}×")
    stream = large["CSV export"]["streaming"]
    check(
        "CSV export streams (first byte before the last)",
        stream["first_byte_ms"] < stream["last_byte_ms"] / 2,
        f"first byte {stream['first_byte_ms']:.0f} ms, last {stream['last_byte_ms']:.0f} ms",
    )
    memory = (large["CSV export"]["peak_kb"] - mid["CSV export"]["peak_kb"]) / 1024
    check(
        f"export peak memory grows < 50 MB from N = {mid['activity list']['activities']:,} to {n_large}",
        memory < 50,
        f"{memory:+.0f} MB",
    )
    return ["## The targets", "", "| target | met | measured |", "| --- | --- | --- |", *rows, ""]


def explained(results: dict) -> list[str]:
    n = results["activity list"]["activities"]
    lines = [
        f"## Indexes the list uses (EXPLAIN ANALYZE at N = {n:,})",
        "",
        "The list page's own queries (its count and its page of activities) for each filter and sort.",
        "",
        "| filter or sort | address | indexes used | SQL ms |",
        "| --- | --- | --- | ---: |",
    ]
    for case in results["explain"]:
        indexes = ", ".join(f"`{name}`" for name in case["indexes"]) or "none (sequential scan)"
        lines.append(f"| {case['name']} | `{case['path']}` | {indexes} | {case['ms']:.1f} |")
    lines += ["", "<details><summary>The plans</summary>", ""]
    for case in results["explain"]:
        lines += [f"### {case['name']}: `{case['path']}`", "", "```", case["plan"], "```", ""]
    lines += ["</details>", ""]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="25,1000,10000")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20, help="status update POSTs to time")
    parser.add_argument(
        "--output", type=Path, help="default: docs/benchmarks.md, or test-artifacts/ in smoke mode"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="N = 25, one second each: checks the script runs"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="write the report again from the raw figures of the last run (after editing bench/notes.md)",
    )
    options = parser.parse_args()
    if options.report:
        raw = ROOT / "docs" / "benchmarks.json"
        runs = {int(n): results for n, results in json.loads(raw.read_text(encoding="utf-8")).items()}
        (ROOT / "docs" / "benchmarks.md").write_text(report(runs, options.seconds), encoding="utf-8")
        return
    if options.smoke:
        options.sizes, options.seconds, options.rounds = "25", 1, 3
    if options.output is None:
        options.output = ROOT / (
            "test-artifacts/benchmarks-smoke.md" if options.smoke else "docs/benchmarks.md"
        )
        options.output.parent.mkdir(exist_ok=True)
    runs = {}
    raw = options.output.with_suffix(".json")
    for n in (int(size) for size in options.sizes.split(",")):
        print(f"N = {n}", flush=True)
        runs[n] = subprocess_run(n, options.seconds, options.rounds)
        raw.write_text(json.dumps(runs, indent=1), encoding="utf-8")  # kept even if the report fails
    options.output.write_text(report(runs, options.seconds), encoding="utf-8")
    print(f"Wrote {options.output}")


def subprocess_run(n: int, seconds: float, rounds: int) -> dict:
    """Each size in its own process, so Django is set up against its own database."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(n), str(seconds), str(rounds)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if output.returncode:
        raise SystemExit(f"N = {n} failed:\n{output.stderr[-4000:]}")
    return {k: v for k, v in json.loads(output.stdout.strip().splitlines()[-1]).items()}


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))))
    else:
        main()
