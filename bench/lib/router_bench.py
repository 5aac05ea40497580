#!/usr/bin/env python3
"""Runs the router benchmark's wrk rounds and reports them (Python 3.11 standard library only).

`run`    takes a plan (JSON written by bench/router.sh: targets, backend process groups, metadata),
         runs every scenario against every target in interleaved rounds, and samples the CPU time of
         each proxy's process group from /proc around every wrk run; writes the raw results as JSON.
`report` turns those results into per-scenario tables with same-round ratios and the issue's goals,
         prints the markdown, and optionally rewrites only the marked router section of a document.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BEGIN_MARK = "<!-- bench/router.sh:begin -->"
END_MARK = "<!-- bench/router.sh:end -->"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    threads: int
    connections: int
    targets: tuple[str, ...]
    reference: str  # the configuration the same-round ratios are taken against
    title: str


# Targets are listed in run order: the goal's reference runs right next to Sprout, so the host's drift (it
# moves ±20 % within a minute here) falls on both sides of the ratio alike; the order reverses every round so
# that neither always runs first.
SCENARIOS = (
    Scenario("tiny", "/", 2, 64, ("direct", "haproxy", "nginx", "sprout", "nginx-fwd"), "nginx",
             "5-byte body, 64 connections (`wrk -t2 -c64`, `GET /`)"),
    Scenario("1k", "/1k", 2, 64, ("direct", "haproxy", "nginx", "sprout", "nginx-fwd"), "nginx",
             "1 KiB body, 64 connections (`wrk -t2 -c64`, `GET /1k`)"),
    Scenario("64k", "/64k", 2, 64, ("direct", "haproxy", "nginx", "nginx-bigbuf", "sprout", "nginx-bigbuf-fwd"),
             "nginx-bigbuf", "64 KiB body, 64 connections (`wrk -t2 -c64`, `GET /64k`)"),
    Scenario("c1", "/", 1, 1, ("haproxy", "nginx", "sprout", "direct"), "nginx",
             "5-byte body, a single connection (`wrk -t1 -c1`, `GET /`)"),
)

DISPLAY_ORDER = ("direct", "nginx", "nginx-fwd", "nginx-bigbuf", "nginx-bigbuf-fwd", "haproxy", "sprout")


# ---------------------------------------------------------------- /proc sampling

def read_stat(path: str) -> tuple[str, list[str]]:
    """(command name, fields after it) of a /proc/.../stat file. The name (field 2) may contain spaces and
    parentheses; the fields after it are fixed: [2] is field 5 (pgrp), [11] and [12] fields 14, 15 (utime, stime)."""
    with open(path, "rb") as handle:
        raw = handle.read().decode("ascii", "replace")
    return raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()


def process_stats(pgids: set[int]):
    """(pid, fields) of every live process whose process group is one of pgids."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            _, fields = read_stat(f"/proc/{entry.name}/stat")
        except OSError:
            continue  # the process ended between listing and reading
        if int(fields[2]) in pgids:
            yield entry.name, fields


def group_cpu_seconds(pgids: set[int]) -> float:
    """utime+stime of every live process whose process group is one of pgids (all threads included)."""
    return sum(int(fields[11]) + int(fields[12]) for _, fields in process_stats(pgids)) / CLOCK_TICKS


def thread_cpu_seconds(pgids: set[int], name_prefix: str) -> float:
    """utime+stime of the threads named name_prefix... in those process groups (e.g. .NET's JIT thread)."""
    total = 0
    for pid, _ in process_stats(pgids):
        try:
            for task in os.scandir(f"/proc/{pid}/task"):
                name, fields = read_stat(f"{task.path}/stat")
                if name.startswith(name_prefix):
                    total += int(fields[11]) + int(fields[12])
        except OSError:
            continue  # the process or thread ended while being read
    return total / CLOCK_TICKS


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds over all cores since boot, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user..steal; guest time is already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


# ---------------------------------------------------------------- wrk

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNIT_MS[match.group(2)]


def parse_wrk(out: str) -> dict:
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, out, re.M)
        if not match:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{out}")
        return match

    requests = int(find(r"^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m)").group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": requests,
        "rps": float(find(r"^Requests/sec:\s+([0-9.]+)").group(1)),
        "p50_ms": to_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        "p99_ms": to_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
                  + (sum(int(g) for g in socket.groups()) if socket else 0),
    }


def run_wrk(target: dict, scenario: Scenario, duration: str, plan: dict) -> dict:
    url = f"http://127.0.0.1:{target['port']}{scenario.path}"
    command = ["wrk", f"-t{scenario.threads}", f"-c{scenario.connections}", f"-d{duration}",
               "--latency", "-H", f"Host: {target['host']}", url]
    proxy_groups = set(target.get("pgids", []))
    backend_groups = set(plan["backend_pgids"])
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proxy_before = group_cpu_seconds(proxy_groups) if proxy_groups else 0.0
    # .NET names its background JIT thread ".NET Tiered Com..."; its share shows whether the run was warm.
    jit_before = thread_cpu_seconds(proxy_groups, ".NET Tiered") if proxy_groups else 0.0
    backend_before = group_cpu_seconds(backend_groups)
    busy_before, total_before = machine_busy_seconds()
    wall_before = time.monotonic()
    # wrk bounds itself with -d; the timeout only guards against a hung connect.
    completed = subprocess.run(command, capture_output=True, text=True, timeout=_seconds(duration) + 60)
    wall = time.monotonic() - wall_before
    busy_after, total_after = machine_busy_seconds()
    backend_cpu = group_cpu_seconds(backend_groups) - backend_before
    proxy_cpu = (group_cpu_seconds(proxy_groups) - proxy_before) if proxy_groups else None
    jit_cpu = (thread_cpu_seconds(proxy_groups, ".NET Tiered") - jit_before) if proxy_groups else 0.0
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr}{completed.stdout}")
    result = parse_wrk(completed.stdout)
    cores = os.cpu_count() or 1
    wrk_cpu = (children_after.ru_utime + children_after.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    machine_cpu = (busy_after - busy_before)
    requests = max(result["requests"], 1)
    result.update({
        "wall_s": wall,
        "proxy_cpu_us_per_req": None if proxy_cpu is None else proxy_cpu * 1e6 / requests,
        "proxy_cores": None if proxy_cpu is None else proxy_cpu / wall,
        "jit_cpu_s": jit_cpu,
        "backend_cpu_us_per_req": backend_cpu * 1e6 / requests,
        "wrk_cpu_us_per_req": wrk_cpu * 1e6 / requests,
        "machine_busy_pct": 100.0 * machine_cpu / max(total_after - total_before, 1e-9),
        # CPU the machine spent outside this benchmark's processes (other users of the shared machine).
        "other_cores": max(0.0, (machine_cpu - wrk_cpu - backend_cpu - (proxy_cpu or 0.0)) / wall),
        "cores": cores,
    })
    return result


def _seconds(duration: str) -> float:
    return to_ms(duration) / 1000.0


def check_target(target: dict, scenario: Scenario) -> None:
    """A proxy that answers wrong would make fast nonsense: check status and body size first."""
    expected = {"/": 5, "/1k": 1024, "/64k": 65536}[scenario.path]
    request = urllib.request.Request(f"http://127.0.0.1:{target['port']}{scenario.path}",
                                     headers={"Host": target["host"]})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        if response.status != 200 or len(body) != expected:
            raise RuntimeError(f"{target['name']} {scenario.path}: status {response.status}, {len(body)} bytes")


def check_round_robin(target: dict) -> list[str]:
    seen = []
    for _ in range(4):
        request = urllib.request.Request(f"http://127.0.0.1:{target['port']}/", headers={"Host": target["host"]})
        with urllib.request.urlopen(request, timeout=10) as response:
            seen.append(response.headers.get("X-Backend", "?"))
    return seen


def command_run(args: argparse.Namespace) -> None:
    plan = json.loads(Path(args.plan).read_text())
    targets = {t["name"]: t for t in plan["targets"]}
    wanted = [s for s in SCENARIOS if not args.scenarios or s.name in args.scenarios.split(",")]
    for scenario in wanted:
        for name in scenario.targets:
            check_target(targets[name], scenario)
    for name, target in targets.items():
        if name != "direct":
            backends = check_round_robin(target)
            note = "alternates" if len(set(backends)) == 2 else "DOES NOT ALTERNATE"
            print(f"  {name}: X-Backend {note} ({', '.join(backends)})", file=sys.stderr)

    # Every proxy gets the same warm-up: short runs over all three paths, each with fresh connections, so
    # .NET's tiered JIT has compiled the per-connection code as well as the per-request code (a single
    # long run leaves the former compiling into the measured runs).
    warm = [s for s in SCENARIOS if s.connections == 64]
    for name in ("nginx", "nginx-fwd", "nginx-bigbuf", "nginx-bigbuf-fwd", "haproxy", "sprout"):
        print(f"  warm-up {name}: {args.warmup_runs} runs of {args.warmup}", file=sys.stderr)
        for index in range(args.warmup_runs):
            run_wrk(targets[name], warm[index % len(warm)], args.warmup, plan)

    runs = []
    for round_index in range(args.rounds):
        for scenario in wanted:
            order = scenario.targets if round_index % 2 == 0 else tuple(reversed(scenario.targets))
            for name in order:
                time.sleep(args.pause)
                result = run_wrk(targets[name], scenario, args.duration, plan)
                result.update({"round": round_index, "scenario": scenario.name, "target": name})
                runs.append(result)
                cpu = result["proxy_cpu_us_per_req"]
                print(f"  round {round_index + 1}/{args.rounds} {scenario.name:>4} {name:<12} "
                      f"{result['rps']:>9.0f} req/s  p50 {result['p50_ms']:.2f}  p99 {result['p99_ms']:.2f} ms  "
                      f"proxy {'-' if cpu is None else f'{cpu:.1f}'} us/req  other load {result['other_cores']:.2f} cores"
                      + (f"  ERRORS {result['errors']}" if result["errors"] else ""), file=sys.stderr)
    Path(args.out).write_text(json.dumps({
        "plan": plan, "rounds": args.rounds, "duration": args.duration, "warmup": args.warmup, "warmup_runs": args.warmup_runs,
        "scenarios": [s.name for s in wanted], "runs": runs,
        "finished": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }, indent=1))


# ---------------------------------------------------------------- report

def med(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int = 2, thousands: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if thousands else f"{value:.{digits}f}"


class Results:
    def __init__(self, data: dict):
        self.data = data
        self.rounds = data["rounds"]
        self.by_key = {(r["scenario"], r["target"], r["round"]): r for r in data["runs"]}

    def series(self, scenario: str, target: str, field: str) -> list:
        return [self.by_key[(scenario, target, i)][field] for i in range(self.rounds)
                if (scenario, target, i) in self.by_key]

    def ratios(self, scenario: str, target: str, reference: str, field: str) -> list[float]:
        """Same-round ratios target/reference: host drift moves both alike within a round."""
        out = []
        for i in range(self.rounds):
            a, b = self.by_key.get((scenario, target, i)), self.by_key.get((scenario, reference, i))
            if a and b and a[field] is not None and b[field]:
                out.append(a[field] / b[field])
        return out

    def differences(self, scenario: str, target: str, reference: str, field: str) -> list[float]:
        out = []
        for i in range(self.rounds):
            a, b = self.by_key.get((scenario, target, i)), self.by_key.get((scenario, reference, i))
            if a and b:
                out.append(a[field] - b[field])
        return out


def scenario_table(results: Results, scenario: Scenario) -> str:
    ref = scenario.reference
    lines = [
        f"| config | req/s | × {ref} req/s | p50 ms | +p50 vs direct ms | p99 ms | × {ref} p99 | "
        f"proxy CPU µs/req | × {ref} CPU | proxy cores busy | machine busy % | other load, cores | req/s per round |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    extra_ref = "nginx" if ref != "nginx" else None
    for name in sorted(scenario.targets, key=DISPLAY_ORDER.index):
        if not results.series(scenario.name, name, "rps"):
            continue
        rps = results.series(scenario.name, name, "rps")
        errors = sum(results.series(scenario.name, name, "errors"))
        label = f"`{name}`" + (f" ({errors} errors)" if errors else "")
        rps_ratio = med(results.ratios(scenario.name, name, ref, "rps"))
        rps_cell = fmt(rps_ratio)
        if extra_ref and name != extra_ref:
            rps_cell += f" ({fmt(med(results.ratios(scenario.name, name, extra_ref, 'rps')))}× nginx)"
        lines.append("| " + " | ".join([
            label,
            fmt(med(rps), thousands=True),
            rps_cell,
            fmt(med(results.series(scenario.name, name, "p50_ms"))),
            "–" if name == "direct" else fmt(med(results.differences(scenario.name, name, "direct", "p50_ms")), 3),
            fmt(med(results.series(scenario.name, name, "p99_ms"))),
            fmt(med(results.ratios(scenario.name, name, ref, "p99_ms"))),
            fmt(med(results.series(scenario.name, name, "proxy_cpu_us_per_req")), 1),
            "–" if name == "direct" else fmt(med(results.ratios(scenario.name, name, ref, "proxy_cpu_us_per_req"))),
            fmt(med(results.series(scenario.name, name, "proxy_cores"))),
            fmt(med(results.series(scenario.name, name, "machine_busy_pct")), 0),
            fmt(med(results.series(scenario.name, name, "other_cores"))),
            ", ".join(fmt(v, thousands=True) for v in rps),
        ]) + " |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Goal:
    text: str
    values: list[float]
    limit: float
    at_least: bool  # True: median must be >= limit; False: <= limit
    unit: str = "×"

    def verdict(self) -> str:
        value = med(self.values)
        if value is None:
            return "not measured"
        ok = value >= self.limit if self.at_least else value <= self.limit
        return "**PASS**" if ok else "**FAIL**"


def goals(results: Results) -> list[Goal]:
    r = results
    return [
        Goal("5 B: Sprout req/s ≥ 1.0× nginx", r.ratios("tiny", "sprout", "nginx", "rps"), 1.0, True),
        Goal("5 B: Sprout proxy CPU/req ≤ nginx's", r.ratios("tiny", "sprout", "nginx", "proxy_cpu_us_per_req"), 1.0, False),
        Goal("5 B: Sprout p99 ≤ nginx's", r.ratios("tiny", "sprout", "nginx", "p99_ms"), 1.0, False),
        Goal("1 KiB: Sprout req/s ≥ 1.0× nginx", r.ratios("1k", "sprout", "nginx", "rps"), 1.0, True),
        Goal("1 KiB: Sprout proxy CPU/req ≤ nginx's", r.ratios("1k", "sprout", "nginx", "proxy_cpu_us_per_req"), 1.0, False),
        Goal("1 KiB: Sprout p99 ≤ nginx's", r.ratios("1k", "sprout", "nginx", "p99_ms"), 1.0, False),
        Goal("64 KiB: Sprout req/s ≥ 1.0× nginx-bigbuf", r.ratios("64k", "sprout", "nginx-bigbuf", "rps"), 1.0, True),
        Goal("64 KiB: Sprout p99 ≤ nginx-bigbuf's", r.ratios("64k", "sprout", "nginx-bigbuf", "p99_ms"), 1.0, False),
        Goal("Like for like, 5 B: Sprout req/s ≥ 1.0× nginx-fwd", r.ratios("tiny", "sprout", "nginx-fwd", "rps"), 1.0, True),
        Goal("Like for like, 5 B: Sprout proxy CPU/req ≤ nginx-fwd's",
             r.ratios("tiny", "sprout", "nginx-fwd", "proxy_cpu_us_per_req"), 1.0, False),
        Goal("Like for like, 5 B: Sprout p99 ≤ nginx-fwd's", r.ratios("tiny", "sprout", "nginx-fwd", "p99_ms"), 1.0, False),
        Goal("Like for like, 1 KiB: Sprout req/s ≥ 1.0× nginx-fwd", r.ratios("1k", "sprout", "nginx-fwd", "rps"), 1.0, True),
        Goal("Like for like, 1 KiB: Sprout proxy CPU/req ≤ nginx-fwd's",
             r.ratios("1k", "sprout", "nginx-fwd", "proxy_cpu_us_per_req"), 1.0, False),
        Goal("Like for like, 1 KiB: Sprout p99 ≤ nginx-fwd's", r.ratios("1k", "sprout", "nginx-fwd", "p99_ms"), 1.0, False),
        Goal("Like for like, 64 KiB: Sprout req/s ≥ 1.0× nginx-bigbuf-fwd",
             r.ratios("64k", "sprout", "nginx-bigbuf-fwd", "rps"), 1.0, True),
        Goal("Like for like, 64 KiB: Sprout p99 ≤ nginx-bigbuf-fwd's",
             r.ratios("64k", "sprout", "nginx-bigbuf-fwd", "p99_ms"), 1.0, False),
        Goal("1 connection: Sprout adds ≤ 0.1 ms p50 over direct",
             r.differences("c1", "sprout", "direct", "p50_ms"), 0.1, False, "ms"),
        Goal("1 connection: Sprout proxy cores busy ≤ 0.5", r.series("c1", "sprout", "proxy_cores"), 0.5, False, "cores"),
    ]


def goals_table(results: Results) -> str:
    lines = ["| goal (issue #3) | measured (median) | per round | result |", "|---|---|---|---|"]
    for goal in goals(results):
        digits = 3 if goal.unit == "ms" else 2
        unit = "" if not goal.values else "×" if goal.unit == "×" else f" {goal.unit}"
        lines.append(f"| {goal.text} | {fmt(med(goal.values), digits)}{unit} | "
                     f"{', '.join(fmt(v, digits) for v in goal.values)} | {goal.verdict()} |")
    return "\n".join(lines)


def jit_note(results: Results) -> str:
    """How much of Sprout's CPU during the measured runs was its JIT thread: near zero means a warm process."""
    sprout = [r for r in results.data["runs"] if r["target"] == "sprout" and r.get("jit_cpu_s") is not None]
    proxy = sum((r["proxy_cpu_us_per_req"] or 0) * r["requests"] / 1e6 for r in sprout)
    jit = sum(r["jit_cpu_s"] for r in sprout)
    return "JIT share not recorded" if proxy <= 0 else f"its JIT thread used {100 * jit / proxy:.1f} % of Sprout's CPU during the measured runs"


def load_note(results: Results) -> str:
    other = med([r["other_cores"] for r in results.data["runs"]])
    cores = results.data["runs"][0]["cores"] if results.data["runs"] else 0
    if other is not None and other > 0.25:
        return (f"**The machine was shared while this ran: other work used a median {other:.2f} of its {cores} cores "
                f"during the runs**, so the figures are noisier than usual")
    return f"The machine was otherwise quiet (median other load {fmt(other)} of {cores} cores)"


def section(results: Results) -> str:
    data, plan = results.data, results.data["plan"]
    meta = plan["meta"]
    tables = "\n\n".join(f"**{s.title}** — ratios against `{s.reference}`\n\n{scenario_table(results, s)}"
                         for s in SCENARIOS if s.name in data["scenarios"])
    return f"""{BEGIN_MARK}
## Router vs nginx and HAProxy, and time to first 200 (bench/router.sh)

Measured {data['finished']} with `bash bench/router.sh` (ROUNDS={data['rounds']}, DURATION={data['duration']}):
{meta['machine']}. Versions: {meta['versions']}.
{load_note(results)} ("other load" is CPU the machine spent outside the benchmark's processes during a run:
wrk, the two instances and the proxy are subtracted from the machine's busy time). Absolute figures drift ±20 %
here even on a quiet machine; read the same-round ratios.

*Method.* One `sprout server` (built by `scripts/build.sh`, on free ports, own data directory) runs the bench app
(`bench/app`: Node.js built-in `http`, `GET /` → 5 B, `/1k` → 1 KiB, `/64k` → 64 KiB, `Content-Length` set,
keep-alive) as environment `{meta['environment']}` with 2 instances, deployed with `sprout init`/`sprout create`.
nginx, HAProxy and direct use the same two instance ports ({', '.join(str(p) for p in meta['instance_ports'])}).
`direct` is wrk straight at one instance. `nginx`: 2 workers, upstream of both instances with `keepalive 64`,
`proxy_http_version 1.1`, `Connection ""`, `keepalive_requests 1000000` on both sides, no access log, default
proxy buffers; `nginx-bigbuf` adds `proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k`.
`nginx-fwd` and `nginx-bigbuf-fwd` also do what Sprout's router does to every request (issue #3 asks it to):
the client's `Host`, `X-Forwarded-For/Proto/Host/Port` and `X-Request-Id: $request_id` to the instance, the
same id back to the client (`add_header`); the plain configurations skip that work, the `-fwd` ones are the
like-for-like reference (most production nginx configurations in front of apps set these headers).
`haproxy`: `mode http`, `balance roundrobin`, `http-reuse always`, `nbthread 2`, no logging. `sprout`: the router
inside `sprout server`, routing by `Host: {meta['environment']}.localhost`. Every target was checked to return the
right body size, and each proxy to alternate between the two instances, before the runs. Each proxy got the same
warm-up: {data.get('warmup_runs', 1)} runs of {data['warmup']} each over the three 64-connection scenarios, every run with
fresh connections, so that .NET's tiered JIT has finished with the per-connection code too ({jit_note(results)}).
Then, for each of {data['rounds']} rounds, every
scenario ran against every target in turn (`wrk -d{data['duration']} --latency`), the goal's reference right next to
Sprout (and direct next to Sprout at a single connection) and the order reversed every other round, so that the
host's drift within a round falls on both sides of a ratio alike. Figures are medians over the
rounds; "× ref" columns are the median of the ratios taken within each round. Proxy CPU is utime+stime from
`/proc/<pid>/stat` of every process in the proxy's process group (nginx master and workers, haproxy, the
`sprout server` process) before and after the run, divided by completed requests; cores busy is that CPU time
over the wall time. **Sprout's figure includes its (idle) control plane**, which runs in the same process.
wrk is a closed loop without coordinated-omission correction, so p99 at 64 connections mostly mirrors throughput.

Time from `sprout create {meta['environment']} --instances 2` (upload, build, launch, health gate) to the first
HTTP 200 through the router: **{meta['create_ms']} ms**.

{tables}

{goals_table(results)}

Notes: the plain nginx configurations send the upstream's name as `Host` (nginx's default); the `-fwd` ones,
HAProxy and Sprout forward the client's.
At a single connection, direct round trips were faster on a busy machine than the reference baseline's quiet
0.11 ms p50, likely because busy vCPUs need no wake-up from idle (not verified); that makes the "+p50 over
direct" goal stricter when the machine is loaded. A single connection still keeps the proxy's threads waking
for every request, so cores busy there shows how much a proxy spins while waiting.
{END_MARK}"""


def replace_section(document: Path, text: str) -> None:
    if document.exists():
        content = document.read_text()
    else:
        content = "# Benchmarks\n\nFigures from the scripts under `bench/`; each script rewrites its own section.\n"
    if BEGIN_MARK in content and END_MARK in content:
        start = content.index(BEGIN_MARK)
        end = content.index(END_MARK) + len(END_MARK)
        content = content[:start] + text + content[end:]
    else:
        # The section as bench/router.sh wrote it before it had markers.
        legacy = re.compile(r"## Router vs direct.*?(?=\n## |\Z)", re.S)
        if legacy.search(content):
            content = legacy.sub(lambda _: text + "\n", content, count=1)
        else:
            content = content.rstrip() + "\n\n" + text + "\n"
    document.write_text(content)


def command_report(args: argparse.Namespace) -> None:
    results = Results(json.loads(Path(args.results).read_text()))
    text = section(results)
    print(text)
    if args.document:
        replace_section(Path(args.document), text)
        print(f"\nrewrote the router section of {args.document}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("--plan", required=True)
    run.add_argument("--out", required=True)
    run.add_argument("--rounds", type=int, default=5)
    run.add_argument("--duration", default="6s")
    run.add_argument("--warmup", default="2s")
    run.add_argument("--warmup-runs", type=int, default=12)
    run.add_argument("--pause", type=float, default=1.0)
    run.add_argument("--scenarios", default="", help="comma-separated subset of tiny,1k,64k,c1")
    run.set_defaults(handler=command_run)
    report = commands.add_parser("report")
    report.add_argument("--results", required=True)
    report.add_argument("--document", help="markdown file whose router section to rewrite")
    report.set_defaults(handler=command_report)
    args = parser.parse_args()
    args.handler(args)


if __name__ == "__main__":
    main()
