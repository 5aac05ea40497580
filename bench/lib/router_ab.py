#!/usr/bin/env python3
"""Side-by-side router comparison for bench/router-ab.sh.

Alternates bounded wrk runs over the targets of a plan (nginx first, as the reference, then the routers
under comparison), reversing the order every round so that neither side always runs right after the
other, and reads each target's CPU from /proc for its process group. Prints every run, then medians
and same-round ratios (against nginx, and of B against A), and can write them to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

from router_bench import group_cpu_seconds  # same directory: the full bench's /proc reader

PERCENTILES = (50, 90, 99, 99.9)
# wrk's summary script: the percentiles above, in milliseconds, on one line that run_wrk finds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write("AB-LATENCY")
  for _, p in ipairs({%s}) do io.write(string.format(" %%.3f", latency:percentile(p) / 1000)) end
  io.write("\\n")
end
""" % ", ".join(str(p) for p in PERCENTILES)


def run_wrk(port: int, host: str, path: str, connections: int, seconds: int, script: Path) -> dict:
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), "-H", f"Host: {host}",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = [float(v) for v in re.search(r"AB-LATENCY((?: [\d.]+)+)", out).group(1).split()]
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": total,
        "failed": (int(errors.group(1)) if errors else 0) + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0),
        "latency_ms": dict(zip((f"p{p}" for p in PERCENTILES), latency)),
    }


def command_run(args: argparse.Namespace) -> None:
    plan = json.loads(Path(args.plan).read_text())
    targets = plan["targets"]
    script = Path(args.plan).with_name("ab-latency.lua")
    script.write_text(WRK_SCRIPT)
    for target in targets:
        for _ in range(args.warmup_runs):
            run_wrk(target["port"], plan["host"], args.path, args.connections, args.warmup, script)
    runs = []
    for round_index in range(args.rounds):
        order = targets if round_index % 2 == 0 else list(reversed(targets))
        for target in order:
            before = group_cpu_seconds({target["pgid"]})
            result = run_wrk(target["port"], plan["host"], args.path, args.connections, args.duration, script)
            cpu = group_cpu_seconds({target["pgid"]}) - before
            result.update(target=target["name"], round=round_index,
                          cpu_us_per_req=cpu * 1e6 / max(result["requests"], 1))
            runs.append(result)
            print(f"round {round_index}  {target['name']:<8} {result['rps']:>9,.0f} req/s  "
                  f"{result['cpu_us_per_req']:5.1f} µs/req  p99 {result['latency_ms']['p99']:.2f} ms  "
                  f"failed {result['failed']}", file=sys.stderr, flush=True)
    Path(args.out).write_text(json.dumps({"plan": plan, "runs": runs, "args": {k: v for k, v in vars(args).items() if k != "func"}}, indent=1))


def median_of(runs: list[dict], name: str, pick) -> float:
    return statistics.median(pick(r) for r in runs if r["target"] == name)


def ratio_of(runs: list[dict], name: str, reference: str, pick) -> float:
    by_round = {}
    for run in runs:
        by_round.setdefault(run["round"], {})[run["target"]] = pick(run)
    return statistics.median(r[name] / r[reference] for r in by_round.values() if name in r and reference in r)


def report(data: dict) -> str:
    runs, plan, args = data["runs"], data["plan"], data["args"]
    names = [t["name"] for t in plan["targets"]]
    rps, cpu = (lambda r: r["rps"]), (lambda r: r["cpu_us_per_req"])
    p99 = lambda r: r["latency_ms"]["p99"]  # noqa: E731
    lines = [
        f"Measured {plan['measured']} with `bash bench/router-ab.sh {plan['command']}` "
        f"({args['rounds']} round{'s' if args['rounds'] != 1 else ''} × {args['duration']} s, `wrk -c{args['connections']}` on `GET {args['path']}`, "
        f"{args['warmup_runs']} × {args['warmup']} s warm-up per target). {plan['machine']}.",
        "",
        "| target | what | req/s | × nginx req/s | CPU µs/req | × nginx CPU | p50 ms | p99 ms | p99.9 ms | failed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for target in plan["targets"]:
        name = target["name"]
        lines.append(
            f"| `{name}` | {target['what']} | {median_of(runs, name, rps):,.0f} | {ratio_of(runs, name, 'nginx', rps):.2f} | "
            f"{median_of(runs, name, cpu):.1f} | {ratio_of(runs, name, 'nginx', cpu):.2f} | "
            f"{median_of(runs, name, lambda r: r['latency_ms']['p50']):.2f} | {median_of(runs, name, p99):.2f} | "
            f"{median_of(runs, name, lambda r: r['latency_ms']['p99.9']):.2f} | "
            f"{sum(r['failed'] for r in runs if r['target'] == name)} |")
    if "a" in names and "b" in names:
        lines += ["", f"B against A, same-round medians: req/s ×{ratio_of(runs, 'b', 'a', rps):.2f}, "
                      f"CPU per request ×{ratio_of(runs, 'b', 'a', cpu):.2f}, p99 ×{ratio_of(runs, 'b', 'a', p99):.2f}."]
    return "\n".join(lines)


def command_report(args: argparse.Namespace) -> None:
    text = report(json.loads(Path(args.results).read_text()))
    print(text)
    if args.section_out:
        # The whole docs/benchmarks.md section; bench/lib/server.sh's write_doc_section puts it in place.
        Path(args.section_out).write_text(
            "## Router A/B: two builds side by side (bench/router-ab.sh)\n\n"
            "*Method.* One `sprout server` runs the bench app (2 instances); nginx (as in bench/router.sh) and two "
            "`sprout router --control-plane` processes, one per build, follow it and serve the same two instances. "
            "Runs alternate, the order reversed every round; CPU is each target's process group from /proc. "
            "The standalone routers carry no control plane, so their CPU is the router's alone. "
            "Read the ratios: this machine drifts ±20 % between runs.\n\n" + text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--plan", required=True)
    run.add_argument("--out", required=True)
    run.add_argument("--rounds", type=int, default=5)
    run.add_argument("--duration", type=int, default=8)
    run.add_argument("--warmup", type=int, default=2)
    run.add_argument("--warmup-runs", type=int, default=6)
    run.add_argument("--connections", type=int, default=64)
    run.add_argument("--path", default="/")
    run.set_defaults(func=command_run)
    rep = sub.add_parser("report")
    rep.add_argument("--results", required=True)
    rep.add_argument("--section-out", help="also write the docs/benchmarks.md section to this file")
    rep.set_defaults(func=command_report)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
