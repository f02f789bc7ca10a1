#!/usr/bin/python3
"""Turns the runs of bench/run.sh into the results table (issue 8).

Reads <results>/runs.csv (one row per wse-load run), rss.csv (memory samples of the soak run) and
machine.txt; writes <results>/latest.md and latest.csv: per workload and concurrency the medians
over the rounds of throughput, p50 and p99, the ratio to the workload's baseline (the median of
the per-round ratios: each round measured both close together), the errors and the target.
With --readme README.md it also replaces the part of README.md between the markers
<!-- bench:begin --> and <!-- bench:end --> (inside the "Performance" section) with the table.
"""
import argparse
import collections
import csv
import os
import statistics

BASELINE = {"select": "echo", "verify": "echo", "check": "echo", "ext-authz": "echo",
            "confirm": "mysql-insert"}
ORDER = ["echo", "mysql-insert", "select", "verify", "check", "ext-authz", "confirm", "bulk",
         "mail", "story", "soak"]
LABEL = {
    "echo": "baseline: gRPC echo (wse-echo-server)",
    "mysql-insert": "baseline: MariaDB insert + commit",
    "select": "identity: SelectActingContext (token mint)",
    "verify": "identity: GetCurrentUser (token verification)",
    "check": "rights: CheckPermission",
    "ext-authz": "rights: Envoy ext_authz Check",
    "confirm": "registration: ConfirmDraft (durable + outbox)",
    "bulk": "registration: upload 10,000 rows + ValidateDraft",
    "mail": "notify: SendMail -> file in SMTP sink (2 workers)",
    "story": "seed story via gateway (8 calls)",
    "soak": "memory run: story loop via gateway (11 calls)",
}


def ratio_to(runs, workload, concurrency, baseline, field="throughput"):
    """Median over the rounds of `workload`'s field / `baseline`'s in the same round."""
    mine = runs.get((workload, concurrency), {})
    base = runs.get((baseline, concurrency), {})
    ratios = [float(mine[k][field]) / float(base[k][field]) for k in mine
              if k in base and float(base[k][field]) > 0]
    return median(ratios)


def target_of(workload, concurrency, row, runs):
    """(text, met) for the issues' targets (issue 18's where it set one); (None, None) where none
    applies."""
    if workload == "check" and concurrency == 64:
        p99_ratio = ratio_to(runs, "check", 64, "echo", "p99_ms")
        ok = (row["ratio"] is not None and row["ratio"] >= 0.80 and p99_ratio is not None
              and p99_ratio <= 1.2)
        return ">= 80 %% of echo, p99 <= 1.2 x echo's (%s x)" % fmt(p99_ratio, 2), ok
    if workload == "verify" and concurrency == 64:
        return ">= 50 % of echo", row["ratio"] is not None and row["ratio"] >= 0.50
    if workload == "select" and concurrency == 64:
        vs_insert = ratio_to(runs, "select", 64, "mysql-insert")
        ok = row["throughput"] >= 2500 and vs_insert is not None and vs_insert >= 0.40
        return ">= 2,500/s and >= 40 %% of insert (%s %%)" % fmt(
            None if vs_insert is None else vs_insert * 100, 0), ok
    if workload == "confirm" and concurrency == 64:
        return ">= 60 % of insert", row["ratio"] is not None and row["ratio"] >= 0.60
    if workload == "bulk":
        return "< 5 s per run", row["p50"] < 5000
    if workload == "mail" and concurrency >= 16:  # One sender alone cannot queue 300/s.
        return ">= 300 mails/s", row["throughput"] >= 300
    if workload == "story" and concurrency == 64:
        ok = row["errors"] == 0 and row["ok"] > 0 and row["throughput"] >= 200
        return ">= 200 stories/s at 64 users, no errors", ok
    return None, None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def read_runs(path):
    runs = collections.defaultdict(dict)  # (workload, concurrency) -> repetition -> row
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["workload"], int(r["concurrency"]))
            runs[key][int(r["repetition"])] = r
    return runs


def summarize(runs):
    rows = []
    for (workload, concurrency), reps in runs.items():
        throughput = {k: float(r["throughput"]) for k, r in reps.items()}
        base = runs.get((BASELINE.get(workload), concurrency), {})
        ratios = [throughput[k] / float(base[k]["throughput"]) for k in throughput
                  if k in base and float(base[k]["throughput"]) > 0]
        codes = collections.Counter()
        for r in reps.values():
            for item in filter(None, r["error_codes"].split(";")):
                reason, _, count = item.rpartition(":")
                codes[reason] += int(count)
        cpu = collections.defaultdict(list)  # process -> ms per operation, per round
        for r in reps.values():
            per_round = collections.Counter()
            for item in filter(None, (r.get("cpu_ms_per_op") or "").split(";")):
                name, _, value = item.partition("=")
                per_round[name.split("-")[0] if name.startswith("nginx-") else name] += \
                    float(value)
            for name, value in per_round.items():
                cpu[name].append(value)
        row = {
            "workload": workload, "concurrency": concurrency, "rounds": len(reps),
            "cpu": {name: median(values) for name, values in cpu.items()},
            "throughput": median(throughput.values()),
            "unit": next(iter(reps.values()))["unit"],
            "p50": median(float(r["p50_ms"]) for r in reps.values()),
            "p99": median(float(r["p99_ms"]) for r in reps.values()),
            "ratio": median(ratios), "baseline": BASELINE.get(workload, ""),
            "ok": sum(int(r["ok"]) for r in reps.values()),
            "errors": sum(int(r["errors"]) for r in reps.values()),
            "error_codes": ";".join("%s:%d" % kv for kv in sorted(codes.items())),
            "note": next(iter(reps.values()))["note"],
        }
        row["target"], row["met"] = target_of(workload, concurrency, row, runs)
        rows.append(row)
    rows.sort(key=lambda r: (ORDER.index(r["workload"]) if r["workload"] in ORDER else 99,
                             r["concurrency"]))
    return rows


def memory(path):
    """Per process: mean RSS of the first and of the last minute (or fifth, if shorter), and of a
    middle minute (the 10th in runs of 15 minutes or more, the one ending half-way in runs of 8
    or more) so that growth which levels off (caches filling up to their steady state) is told
    apart from growth that goes on."""
    if not os.path.exists(path):
        return [], 0
    samples = collections.defaultdict(list)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["seconds"] == "seconds" or int(r["rss_kb"]) < 0:
                continue
            samples[r["name"]].append((float(r["seconds"]), int(r["rss_kb"]) / 1024.0))
    out, span = [], 0
    for name, points in samples.items():
        end = max(t for t, _ in points)
        span = max(span, end)
        window = 60 if end >= 180 else max(end / 5, 1)
        first = statistics.mean(m for t, m in points if t <= window)
        last = statistics.mean(m for t, m in points if t >= end - window)
        middle, middle_at = None, None
        if end >= 480:
            middle_at = 600 if end >= 900 else 60 * round(end / 2 / 60)
            middle = statistics.mean(m for t, m in points if middle_at - 60 <= t <= middle_at)
        out.append({"name": name, "first": first, "last": last, "middle": middle,
                    "middle_minute": None if middle_at is None else int(middle_at // 60),
                    "growth": last - first, "pct": 100 * (last - first) / first,
                    "max": max(m for _, m in points), "window": window, "samples": len(points)})
    out.sort(key=lambda r: r["name"])
    return out, span


def fmt(value, digits=1):
    if value is None:
        return "—"
    if value >= 100:
        return "{:,.0f}".format(value)
    return "{:.{}f}".format(value, digits)


def cpu_text(cpu):
    """'0.62 (mariadbd 0.31, rights-svc 0.22, nginx 0.05)': all of the stack, then the top 3."""
    if not cpu:
        return "—"
    busy = sorted(((v, k) for k, v in cpu.items()
                   if v is not None and k not in ("wse-load", "others")), reverse=True)
    total = sum(v for v, _ in busy)
    digits = 2 if total < 10 else 0
    top = ", ".join("%s %.*f" % (k.replace("-svc", ""), digits, v) for v, k in busy[:3]
                    if v >= 0.005)
    return "%.*f (%s)" % (digits, total, top)


def markdown(rows, mem, span, machine):
    lines = []
    lines.append("Machine: %s × %s, %s RAM, %s (%s); MariaDB %s, gRPC %s. Run %s on commit %s; "
                 "%s. Other builds during the run: %s." % (
                     machine.get("nproc", "?"), machine.get("cpu", "?"), machine.get("ram", "?"),
                     machine.get("kernel", "?"), machine.get("os", "?"),
                     machine.get("mariadb", "?"), machine.get("grpc", "?"),
                     machine.get("date", "?"), machine.get("commit", "?"),
                     machine.get("settings", "?"), machine.get("noise", "none")))
    lines.append("")
    lines.append("| Workload | Conc. | Throughput (median) | p50 ms | p99 ms | vs baseline | "
                 "Errors | Target | Server CPU ms/op (largest) |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        if r["workload"] == "soak":
            continue
        ratio = "%.0f %% of %s" % (100 * r["ratio"], r["baseline"]) if r["ratio"] is not None \
            else ("—" if r["baseline"] == "" else "no baseline run")
        if r["workload"] in ("echo", "mysql-insert"):
            ratio = "baseline"
        target = ""
        if r["target"]:
            target = ("✅ " if r["met"] else "❌ ") + r["target"]
        errors = str(r["errors"]) + (" (%s)" % r["error_codes"] if r["error_codes"] else "")
        lines.append("| %s | %d | %s %s | %s | %s | %s | %s | %s | %s |" % (
            LABEL.get(r["workload"], r["workload"]), r["concurrency"], fmt(r["throughput"]),
            r["unit"], fmt(r["p50"], 2), fmt(r["p99"], 2), ratio, errors, target,
            cpu_text(r["cpu"])))
    notes = [(r["workload"], r["concurrency"], r["note"]) for r in rows
             if r["note"] and r["workload"] in ("bulk", "mail", "story")]
    if notes:
        lines.append("")
        for workload, concurrency, note in notes:
            lines.append("- %s at %d: %s" % (workload, concurrency, note))
    if mem:
        soak = [r for r in rows if r["workload"] == "soak"]
        lines.append("")
        what = ("Memory under load: %s; the seed story in a loop through the gateway" %
                machine.get("soak", "?"))
        if soak:
            s = soak[0]
            what += " (%s %s, %d errors)" % (fmt(s["throughput"]), s["unit"], s["errors"])
        window = mem[0]["window"]
        label = "first/last minute" if window == 60 else "first/last %.0f s" % window
        lines.append(what + ", VmRSS sampled every 5 s over %.0f s (%s):" % (span, label))
        lines.append("")
        if mem[0]["middle"] is not None:
            n = mem[0]["middle_minute"]
            lines.append("| Process | RSS 1st minute (MiB) | RSS minute %d | RSS last minute | "
                         "Growth 1st -> minute %d | Growth minute %d -> last | Max |" % (n, n, n))
            lines.append("|---|---:|---:|---:|---:|---:|---:|")
            for m in mem:
                lines.append("| %s | %.1f | %.1f | %.1f | %+.1f MiB (%+.0f %%) | %+.1f MiB | %.1f |"
                             % (m["name"], m["first"], m["middle"], m["last"],
                                m["middle"] - m["first"],
                                100 * (m["middle"] - m["first"]) / m["first"],
                                m["last"] - m["middle"], m["max"]))
        else:
            lines.append("| Process | RSS first (MiB) | RSS last (MiB) | Growth | Max (MiB) |")
            lines.append("|---|---:|---:|---:|---:|")
            for m in mem:
                lines.append("| %s | %.1f | %.1f | %+.1f MiB (%+.0f %%) | %.1f |" % (
                    m["name"], m["first"], m["last"], m["growth"], m["pct"], m["max"]))
    return "\n".join(lines) + "\n"


def write_csv(path, rows, mem, machine):
    columns = ["kind", "workload", "concurrency", "rounds", "throughput", "unit", "p50_ms",
               "p99_ms", "ratio", "baseline", "ok", "errors", "error_codes", "target",
               "server_cpu_ms_per_op",
               "target_met", "rss_first_mib", "rss_middle_mib", "rss_last_mib", "rss_growth_mib",
               "rss_max_mib",
               "date", "nproc", "cpu", "ram", "kernel", "commit"]
    env = {k: machine.get(k, "") for k in ("date", "nproc", "cpu", "ram", "kernel", "commit")}
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, columns)
        w.writeheader()
        for r in rows:
            w.writerow(dict(env, kind="load", workload=r["workload"],
                            concurrency=r["concurrency"], rounds=r["rounds"],
                            throughput="%.2f" % r["throughput"], unit=r["unit"],
                            p50_ms="%.3f" % r["p50"], p99_ms="%.3f" % r["p99"],
                            ratio="" if r["ratio"] is None else "%.3f" % r["ratio"],
                            baseline=r["baseline"], ok=r["ok"], errors=r["errors"],
                            error_codes=r["error_codes"], target=r["target"] or "",
                            server_cpu_ms_per_op=";".join(
                                "%s=%.3f" % kv for kv in sorted(r["cpu"].items())),
                            target_met="" if r["met"] is None else ("yes" if r["met"] else "no")))
        for m in mem:
            w.writerow(dict(env, kind="memory", workload=m["name"],
                            rss_first_mib="%.1f" % m["first"], rss_last_mib="%.1f" % m["last"],
                            rss_middle_mib="" if m["middle"] is None else "%.1f" % m["middle"],
                            rss_growth_mib="%.1f" % m["growth"], rss_max_mib="%.1f" % m["max"]))


def update_readme(path, table):
    with open(path) as f:
        text = f.read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin not in text or end not in text:
        raise SystemExit("report: %s has no %s ... %s markers (in its Performance section)" %
                         (path, begin, end))
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "\n" + table + end + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", required=True)
    parser.add_argument("--readme")
    args = parser.parse_args()
    machine = {}
    info = os.path.join(args.results, "machine.txt")
    if os.path.exists(info):
        with open(info) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                machine[key] = value
    rows = summarize(read_runs(os.path.join(args.results, "runs.csv")))
    mem, span = memory(os.path.join(args.results, "rss.csv"))
    table = markdown(rows, mem, span, machine)
    with open(os.path.join(args.results, "latest.md"), "w") as f:
        f.write("# Benchmark results (bench/run.sh)\n\n" + table)
    write_csv(os.path.join(args.results, "latest.csv"), rows, mem, machine)
    if args.readme:
        update_readme(args.readme, table)
    print(table)


if __name__ == "__main__":
    main()
