"""Load test: gunicorn on PostgreSQL, 50 simulated users for 60 s, public pages and saves.

    .venv/bin/python bench/load.py [--users 50] [--staff 10] [--seconds 60]
                                   [--workers 3] [--wait 1 5] [--conn-max-age 60]
                                   [--redis]

Needs the bench extra (locust) and PostgreSQL's server binaries
(/usr/lib/postgresql/*/bin); as root, PostgreSQL runs as the user postgres.
Everything runs on this machine and is thrown away at the end, Ctrl-C included:

1. a PostgreSQL server on 127.0.0.1 (free port, temporary directory, fsync off),
   and with --redis a Redis server (Debian's redis-server) whose address the
   app gets in REDIS_URL;
2. migrate, load_seed (the seed plan and its published period), then an HQ
   user opens the next period and one division staff account is made per
   simulated staff user, each a member of a division of its own sheet: no two
   simulated users save the same sheet, so no version conflict is expected;
   collectstatic;
3. gunicorn serving reformtracker.wsgi on 127.0.0.1 with --workers sync workers;
4. locust (bench/locustfile.py), headless, in a subprocess: --users users in all,
   --staff of them division staff saving drafts, the rest citizens reading the
   public pages, each waiting --wait MIN MAX seconds between requests.

The settings are reformtracker.production, as on a city's server: WhiteNoise
serves collectstatic's hashed, compressed copies from its manifest, database
connections are kept (DB_CONN_MAX_AGE 60 unless --conn-max-age says otherwise).
Only the redirect to HTTPS is off (SECURE_SSL_REDIRECT=false), since nothing
terminates TLS here; the session and CSRF cookies stay Secure, and the simulated
staff send them back over http://127.0.0.1 as browsers do on loopback (a secure
context). Django logs no tracebacks with DEBUG off, so the gunicorn workers log
server errors (django.request) to the server log.

Prints the machine, the request rate, p50/p95/p99 latency overall and per kind of
request, and the failures; checks every sheet's version, last saved text and
history in the database against the saves locust saw confirmed; prints the CPU
seconds gunicorn (master and workers, utime + stime from /proc), PostgreSQL,
locust and everything else used during the run, and gunicorn's and PostgreSQL's
CPU milliseconds per request: the figure that compares two versions of the code
even when other work on the machine skews the latencies (the line shows how
much). Each staff user's one login checks a password with Django's PBKDF2
(slow on purpose, about 0.3 s of CPU): at the default wait that weighs on the
CPU per request, at --wait 0 0 it hardly counts. Exits 1 on any failure. The
default wait is a brisk reader's; --wait 0 0 keeps every user busy and so
measures what the server can do. A run takes about 80 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from collections import Counter
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent

# Logs server errors from Django (DEBUG off logs none) into gunicorn's log.
GUNICORN_CONFIG = """\
import logging
import sys


def post_worker_init(worker):
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(name)s %(message)s"))
    logging.getLogger("django.request").addHandler(handler)
"""

# Request names in the order the summary lists them.
ORDER = [
    "plan list",
    "plan page",
    "plan page ?q=推進",
    "plan page ?grade=B",
    "plan page ?area=",
    "item page",
    "results.csv",
    "static file",
    "login page",
    "login",
    "sheet edit page",
    "sheet save",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name),
    )
    if not found:
        sys.exit("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin).")
    return found[-1].parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and its descendants, the exited ones it reaped included."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := proc_stat(int(entry.name))):
            parents[int(fields[1])].append(int(entry.name))
    seconds, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if fields := proc_stat(pid):
            # utime, stime, cutime, cstime
            seconds += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        todo += parents.get(pid, [])
    return seconds


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    total = sum(ticks[:8])  # guest time is already counted in user
    return (total - idle) / os.sysconf("SC_CLK_TCK"), total / os.sysconf("SC_CLK_TCK")


def ljust(text: str, width: int) -> str:
    """Pad to a width in terminal columns: CJK characters take two."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - columns, 0)


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


class Run:
    """The processes and directories of one run, stopped and removed by close()."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="reformtracker-load."))
        self.pgdata: Path | None = None
        self.pg_as: list[str] = []
        self.pg_ctl: Path | None = None
        self.processes: list[subprocess.Popen] = []
        self.redis: subprocess.Popen | None = None

    # PostgreSQL

    def start_postgres(self) -> tuple[int, str]:
        bin_dir = pg_bin()
        self.pgdata = Path(tempfile.mkdtemp(prefix="reformtracker-load-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres")
            self.pg_as = ["runuser", "-u", "postgres", "--"]
        port = free_port()
        quiet = {"stdout": subprocess.DEVNULL, "check": True}
        subprocess.run(
            [
                *self.pg_as,
                bin_dir / "initdb",
                "-D",
                self.pgdata,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            **quiet,
        )
        options = (
            f"-h 127.0.0.1 -p {port} -k {self.pgdata} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *self.pg_as,
                bin_dir / "pg_ctl",
                "-D",
                self.pgdata,
                "-l",
                self.pgdata / "server.log",
                "-w",
                "-o",
                options,
                "start",
            ],
            **quiet,
        )
        self.pg_ctl = bin_dir / "pg_ctl"
        subprocess.run(
            [
                bin_dir / "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "reformtracker_load",
            ],
            check=True,
        )
        version = subprocess.run(
            [bin_dir / "postgres", "--version"], capture_output=True, text=True
        ).stdout.split()[2]
        return port, version

    # Redis

    def start_redis(self) -> str:
        """Start redis-server on a free port; return its URL for REDIS_URL."""
        server = shutil.which("redis-server")
        if not server:
            sys.exit(
                "--redis: redis-server is not installed (apt-get install redis-server)."
            )
        port = free_port()
        log = self.work / "redis.log"
        process = self.redis = self.spawn(
            [
                server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.work,
            ],
            log,
            os.environ.copy(),
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit(f"redis-server exited:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return f"redis://127.0.0.1:{port}/0"
            except OSError:
                time.sleep(0.1)
        sys.exit(f"redis-server did not answer within 10 s:\n{log.read_text()}")

    # gunicorn and locust

    def spawn(self, args: list, log: Path, env: dict) -> subprocess.Popen:
        with log.open("w") as out:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Not in the terminal's process group: Ctrl-C reaches this script
                # only, and close() stops the others in order.
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def close(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        if self.pg_ctl:
            subprocess.run(
                [
                    *self.pg_as,
                    self.pg_ctl,
                    "-D",
                    self.pgdata,
                    "-m",
                    "immediate",
                    "stop",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for directory in (self.work, self.pgdata):
            if directory:
                shutil.rmtree(directory, ignore_errors=True)


def prepare(staff: int, wait: list[float]) -> dict:
    """Migrate, load the seed, open a period and make the staff accounts.

    Returns the locustfile's fixture. Each staff account belongs to one
    division and gets one sheet of that division, every sheet a different one;
    the divisions are all different too while there are enough of them.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime
    import io

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.utils import timezone

    from plans.models import ItemDivision
    from plans.models import Membership
    from plans.models import Plan
    from plans.models import next_period
    from surveys.workflow import open_period

    call_command("migrate", verbosity=0)
    call_command("load_seed", stdout=io.StringIO())
    # As in production: hashed copies and the manifest WhiteNoise serves from.
    call_command("collectstatic", interactive=False, verbosity=0)
    User = get_user_model()
    # The plan with surveys: seed 000's 3rd plan (the 4th, seed 002, has none yet).
    plan = Plan.objects.filter(periods__isnull=False).distinct().get()
    hq = User.objects.create_user("bench-hq", email="bench-hq@example.jp")
    Membership.objects.create(city=plan.city, user=hq, role=Membership.Role.HQ)
    fiscal_year, half = next_period(plan)
    period = open_period(
        plan=plan,
        fiscal_year=fiscal_year,
        half=half,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        by=hq,
    )
    sheets = list(
        period.sheets.prefetch_related(
            ItemDivision.prefetch("item__division_links")
        ).order_by("item__order")
    )
    # Each sheet with the division that fills it (its lead, 主担当): first one
    # sheet per lead division, then the other sheets.
    first, rest, used = [], [], set()
    for sheet in sheets:
        if lead := sheet.lead_division:
            (rest if lead.pk in used else first).append((sheet, lead.pk))
            used.add(lead.pk)
    pairs = first + rest
    if staff > len(pairs):
        sys.exit(f"--staff {staff}: the open period has only {len(pairs)} sheets.")
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # hashed once: PBKDF2 is slow on purpose
    slots = []
    for n, (sheet, division_id) in enumerate(pairs[:staff], start=1):
        user = User.objects.create(
            username=f"bench-staff-{n:02d}",
            email=f"bench-staff-{n:02d}@example.jp",
            password=hashed,
        )
        user.divisions.add(division_id)
        slots.append(
            {"username": user.username, "password": password, "sheet": sheet.pk}
        )
    return {
        "plan": plan.get_absolute_url(),
        "period": str(period),
        "sheets": len(sheets),
        "divisions": len({division for _, division in pairs[:staff]}),
        "areas": list(plan.areas.values_list("pk", flat=True)),
        "items": list(plan.items.values_list("number", flat=True)),
        "staff": slots,
        "wait": wait,
        # The stylesheet as the pages link it: its hashed name.
        "stylesheet": static("css/site.css"),
    }


def check_saves(saves: dict) -> list[str]:
    """Each sheet's version and D text against the saves sent and confirmed."""
    from surveys.models import SurveySheet

    problems = []
    for pk, saved in saves.items():
        sheet = SurveySheet.objects.get(pk=pk)
        made = sheet.version - 1
        if not saved["confirmed"] <= made <= saved["sent"]:
            problems.append(
                f"sheet {pk}: version {sheet.version} after {saved['confirmed']} "
                f"confirmed and {saved['sent']} sent saves"
            )
        elif made and sheet.done_text != saved["texts"][made - 1]:
            problems.append(f"sheet {pk}: D text is not that of save {made}")
        if sheet.history.count() != sheet.version:
            problems.append(
                f"sheet {pk}: {sheet.history.count()} history records for version "
                f"{sheet.version}"
            )
    return problems


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {url} within 60 s:\n{log.read_text()}")


def summarise(results: dict, seconds: float) -> tuple[int, int]:
    """Print the table; return (requests, failures)."""
    by_name: dict[str, list[float]] = defaultdict(list)
    failed: Counter = Counter()
    errors: Counter = Counter()
    for name, _start, elapsed, error in results["requests"]:
        by_name[name].append(elapsed)
        if error:
            failed[name] += 1
            errors[(name, error)] += 1
    starts = [start for _, start, _, _ in results["requests"]]
    ends = [start + elapsed / 1000 for _, start, elapsed, _ in results["requests"]]
    window = (max(ends) - min(starts)) if starts else seconds
    names = [n for n in ORDER if n in by_name] + sorted(set(by_name) - set(ORDER))
    header = (
        f"{'request':<20} {'count':>6} {'fails':>5} {'req/s':>6} "
        f"{'mean':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  (ms)"
    )
    print(header)
    print("-" * len(header))

    def row(label: str, times: list[float], fails: int) -> None:
        ordered = sorted(times)
        print(
            f"{ljust(label, 20)} {len(times):>6} {fails:>5} {len(times) / window:>6.1f} "
            f"{statistics.fmean(ordered):>6.0f} {percentile(ordered, 50):>6.0f} "
            f"{percentile(ordered, 95):>6.0f} {percentile(ordered, 99):>6.0f} "
            f"{ordered[-1]:>6.0f}"
        )

    for name in names:
        row(name, by_name[name], failed[name])
    print("-" * len(header))
    every = [t for times in by_name.values() for t in times]
    total, failures = len(every), sum(failed.values())
    if every:
        row("all", every, failures)
    print()
    print(
        f"requests     {total} in {window:.1f} s: {total / window:.1f} requests/s "
        f"(ramp-up included)"
    )
    print(
        f"failures     {failures} ({100 * failures / max(total, 1):.2f} %)"
        + ("" if failures else ": none")
    )
    for (name, error), count in errors.most_common(10):
        print(f"  {count:>5} × {name}: {error[:200]}")
    return total, failures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50, help="simulated users (50)")
    parser.add_argument(
        "--staff", type=int, default=10, help="of them, division staff saving (10)"
    )
    parser.add_argument("--seconds", type=int, default=60, help="duration (60)")
    parser.add_argument(
        "--spawn-rate", type=float, default=10, help="users started per second (10)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=3,
        help="gunicorn sync workers (3: two cores shared with PostgreSQL and locust)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=[1.0, 5.0],
        metavar=("MIN", "MAX"),
        help="seconds each user waits between requests (1 5); 0 0 finds the capacity",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DB_CONN_MAX_AGE for gunicorn (60, production's; 0 connects per request)",
    )
    parser.add_argument(
        "--redis",
        action="store_true",
        help="start a Redis server and give the app its address in REDIS_URL",
    )
    args = parser.parse_args()
    if not 0 <= args.staff <= args.users:
        parser.error("--staff must be between 0 and --users")
    if importlib.util.find_spec("locust") is None:
        sys.exit("locust is missing: .venv/bin/python -m pip install -e '.[bench]'")

    # Ctrl-C and a kill both end in run.close(), even when started in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = Run()
    try:
        return load(args, run)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping gunicorn and the databases", file=sys.stderr)
        return 130
    finally:
        run.close()


def load(args, run: Run) -> int:
    started = time.monotonic()
    pg_port, pg_version = run.start_postgres()
    if args.redis:
        os.environ["REDIS_URL"] = run.start_redis()
    else:
        os.environ.pop("REDIS_URL", None)
    secret = secrets.token_urlsafe(50)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="reformtracker.production",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECRET_KEY=secret,
        VAR_DIR=str(run.work / "var"),
        STATIC_ROOT=str(run.work / "static"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB="postgres",
        DB_HOST="127.0.0.1",
        DB_PORT=str(pg_port),
        DB_USER="postgres",
        DB_NAME="reformtracker_load",
        DB_CONN_MAX_AGE=str(args.conn_max_age),
    )
    fixture = prepare(args.staff, args.wait)
    from django.db import connections

    connections.close_all()
    fixture_path = run.work / "fixture.json"
    fixture_path.write_text(json.dumps(fixture, ensure_ascii=False))

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = run.work / "gunicorn.conf.py"
    config.write_text(GUNICORN_CONFIG)
    server_log = run.work / "gunicorn.log"
    gunicorn = run.spawn(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "reformtracker.wsgi",
            "--config",
            config,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
        ],
        server_log,
        os.environ.copy(),
    )
    wait_until_up(url + "/", gunicorn, server_log)
    # Warm each worker: imports, URL resolver, template loading.
    plan = fixture["plan"]
    for path in ("/", plan, f"{plan}items/{fixture['items'][0]}/"):
        for _ in range(2 * args.workers):
            urllib.request.urlopen(url + path, timeout=30).read()
    setup_seconds = time.monotonic() - started

    citizens = args.users - args.staff
    print("ReformTracker load test (bench/load.py)")
    print(
        f"machine      {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu_model()}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"server       gunicorn {version('gunicorn')}, {args.workers} sync "
        f"workers, reformtracker.production over http (SECURE_SSL_REDIRECT=false), "
        f"DB_CONN_MAX_AGE={args.conn_max_age}, static files from collectstatic's manifest"
    )
    print(f"cache        {os.environ.get('REDIS_URL') or 'none set (no REDIS_URL)'}")
    print(
        f"database     PostgreSQL {pg_version} on 127.0.0.1:{pg_port} (fsync off), "
        f"seed plan, {fixture['period']} open with {fixture['sheets']} sheets"
    )
    print(
        f"load         locust {version('locust')} on the same machine: "
        f"{args.users} users ({citizens} citizens, {args.staff} division staff on "
        f"{args.staff} sheets of {fixture['divisions']} divisions), "
        f"{args.spawn_rate:g} started/s, wait {args.wait[0]:g}–{args.wait[1]:g} s, "
        f"{args.seconds} s"
    )
    print(
        f"setup        {setup_seconds:.1f} s; load average before the run "
        f"{os.getloadavg()[0]:.2f}; running…",
        flush=True,
    )

    results_path = run.work / "results.json"
    locust_log = run.work / "locust.log"
    env = {
        **os.environ,
        "BENCH_LOAD_FIXTURE": str(fixture_path),
        "BENCH_LOAD_RESULTS": str(results_path),
    }
    postmaster = int((run.pgdata / "postmaster.pid").read_text().split()[0])
    # The servers whose CPU time is counted: each process with its descendants.
    servers = {"gunicorn": gunicorn.pid, "PostgreSQL": postmaster}
    if run.redis:
        servers["Redis"] = run.redis.pid
    cpu_before = {name: tree_cpu(pid) for name, pid in servers.items()}
    machine_before = machine_cpu()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust = run.spawn(
        [
            sys.executable,
            "-m",
            "locust",
            "--locustfile",
            BENCH / "locustfile.py",
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            url,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        locust_log,
        env,
    )
    locust.wait(timeout=args.seconds + 120)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (
        children.ru_utime
        + children.ru_stime
        - children_before.ru_utime
        - children_before.ru_stime
    )
    cpu = {name: tree_cpu(pid) - cpu_before[name] for name, pid in servers.items()}
    busy, total_cpu = (b - a for a, b in zip(machine_before, machine_cpu()))
    if not results_path.exists():
        print(f"locust wrote no results:\n{locust_log.read_text()}", file=sys.stderr)
        return 1
    results = json.loads(results_path.read_text())
    print()
    total, failures = summarise(results, args.seconds)

    saves = {int(pk): saved for pk, saved in results["saves"].items()}
    problems = check_saves(saves)
    confirmed = sum(saved["confirmed"] for saved in saves.values())
    print(
        f"saves        {confirmed} confirmed on {len(saves)} sheets; database "
        + ("agrees (versions, D texts, history)" if not problems else "DISAGREES:")
    )
    for problem in problems:
        print(f"  {problem}")
    cpus = len(os.sched_getaffinity(0))
    others = max(busy - sum(cpu.values()) - locust_cpu, 0)
    print(
        "cpu          "
        + "".join(f"{name} {seconds:.1f} s, " for name, seconds in cpu.items())
        + f"locust {locust_cpu:.1f} s, other processes {others:.1f} s; machine busy "
        f"{100 * busy / total_cpu:.0f} % of {cpus} CPUs × {total_cpu / cpus:.0f} s"
    )
    print(
        "cpu/request  "
        + ", ".join(
            f"{name} {1000 * seconds / max(total, 1):.1f} ms"
            for name, seconds in cpu.items()
        )
        + f" ({total} requests; gunicorn is its master and workers, utime + stime)"
    )
    log = server_log.read_text(errors="replace")
    tracebacks = log.count("Traceback")
    timeouts = log.count("WORKER TIMEOUT")
    print(f"server log   {tracebacks} tracebacks, {timeouts} worker timeouts")
    if tracebacks or timeouts:
        print(log[-4000:])
    bad = failures or problems or tracebacks or timeouts or not total
    if bad and locust.returncode not in (0, 1):
        print(locust_log.read_text()[-4000:])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
