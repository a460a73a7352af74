"""The shapes peer_bench.py loads servers in, and what it reports of them: the medians of
its rounds, the table per shape, the 10 MB shape apart, and the targets with the durability
ratios taken round by round."""
import math
import statistics
from dataclasses import dataclass


@dataclass
class Shape:
    name: str
    what: str
    flags: list
    messages: int


SHAPES = [
    Shape("short", "32 parallel connections, one message each", ["-s", "32"], 3000),
    Shape("session", "32 sessions, many messages each (-d)", ["-s", "32", "-d"], 10000),
    Shape("sequential", "one session, one message after another", ["-s", "1", "-d"], 2000),
    Shape("100KB", "32 sessions (-d), 100 KB messages", ["-s", "32", "-d", "-l", "102400"], 500),
]


# Large messages, beside the sink and aiosmtpd only: what memory a server needs for them
# (peak RSS) and its pace. Reported apart; no target of the shapes above counts it.
BIG = Shape("10MB", "32 sessions (-d), 10 MB messages",
            ["-s", "32", "-d", "-l", "10000000"], 64)
BIG_SERVERS = ("smtpd", "smtp-sink", "aiosmtpd")
# Messages far past what a server could hold: run once, after the rounds, by smtpd (whose
# spool keeps its memory flat) and the sink for its pace. smtpd's mailbox is not read back
# (8 GiB); server_memory_test checks such records byte for byte at 256 MiB.
HUGE = Shape("1GB", "8 sessions (-d), 1 GiB messages, one run",
             ["-s", "8", "-d", "-l", str(2 ** 30)], 8)
HUGE_SERVERS = ("smtpd", "smtp-sink")


def medians(results):
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def report(table, names, rounds):
    lines = []
    for shape in SHAPES:
        lines.append("%s: %s, %d messages (medians of %d rounds)" % (
            shape.name, shape.what, table["messages"][shape.name], rounds))
        sink = table["median"][shape.name]["smtp-sink"]["msgs_per_s"]
        for name in names:
            m = table["median"][shape.name][name]
            row = ("  %-10s %9.0f msgs/s  %6.2fx sink  %7.1f us CPU/msg  %6.1f MB peak RSS"
                   "  smtp-source %3.0f%% busy")
            lines.append(row % (
                name, m["msgs_per_s"], m["msgs_per_s"] / sink, m["cpu_us_per_msg"],
                m["peak_rss_mb"], 100 * m["source_busy"]) + (
                "  %.3f syncs/msg, %.0f us each" % (m["syncs_per_msg"], 1e6 * m["sync_s"])
                if m.get("syncs_per_msg") else ""))
    return "\n".join(lines)


def report_big(table, messages, rounds):
    lines = ["%s: %s, %d messages (medians of %d rounds)" % (BIG.name, BIG.what, messages, rounds)]
    for name in BIG_SERVERS:
        m = table["big"]["median"][name]
        lines.append("  %-10s %9.1f msgs/s  %6.0f MB/s  %7.1f MB peak RSS" % (
            name, m["msgs_per_s"], m["msgs_per_s"] * 10, m["peak_rss_mb"]))
    return "\n".join(lines)


def report_huge(table, messages):
    lines = ["%s: %s, %d messages" % (HUGE.name, HUGE.what, messages)]
    for name in HUGE_SERVERS:
        m = table["huge"][name]
        lines.append("  %-10s %9.2f msgs/s  %6.0f MB/s  %7.1f MB peak RSS" % (
            name, m["msgs_per_s"], m["msgs_per_s"] * 2 ** 30 / 1e6, m["peak_rss_mb"]))
    return "\n".join(lines)


def targets(table):
    # smtp-sink and aiosmtpd sync nothing: the targets against them are smtpd's without syncs,
    # and the durable smtpd's own (against the sink, Postfix and itself) follow.
    ratio = {s.name: table["median"][s.name]["smtpd-none"]["msgs_per_s"] /
             table["median"][s.name]["smtp-sink"]["msgs_per_s"] for s in SHAPES}
    over_python = {s.name: table["median"][s.name]["smtpd-none"]["msgs_per_s"] /
                   table["median"][s.name]["aiosmtpd"]["msgs_per_s"] for s in SHAPES}
    durable_ratio = {s.name: table["median"][s.name]["smtpd"]["msgs_per_s"] /
                     table["median"][s.name]["smtp-sink"]["msgs_per_s"] for s in SHAPES}
    geomean = math.exp(sum(math.log(r) for r in ratio.values()) / len(ratio))
    rss = max(table["median"][s.name]["smtpd"]["peak_rss_mb"] for s in SHAPES)
    durable_geomean = math.exp(sum(math.log(r) for r in durable_ratio.values()) / len(ratio))
    rows = [("smtpd-none / smtp-sink, geometric mean", geomean, ">= 1.0", geomean >= 1.0),
            ("smtpd-none / smtp-sink, 100 KB messages", ratio["100KB"], ">= 1.5",
             ratio["100KB"] >= 1.5)]
    rows += [("smtpd-none / aiosmtpd, %s" % name, r, ">= 5.0", r >= 5.0)
             for name, r in over_python.items()]
    rows.append(("smtpd (durable) / smtp-sink, geometric mean", durable_geomean, ">= 1.0",
                 durable_geomean >= 1.0))
    rows.append(("smtpd peak RSS (MB), 32 workers", rss, "< 32", rss < 32))
    for shape in SHAPES:
        over_postfix = (table["median"][shape.name]["smtpd"]["msgs_per_s"] /
                        table["median"][shape.name]["postfix"]["msgs_per_s"])
        rows.append(("smtpd (durable) / Postfix MTA, %s" % shape.name, over_postfix, ">= 5.0",
                     over_postfix >= 5.0))
    # Durable against non-durable, round by round (the two ran minutes apart at most, while
    # the machine's speed drifts over a run), then the median of the rounds' ratios.
    pairs = {shape: list(zip(table["runs"][shape]["smtpd"], table["runs"][shape]["smtpd-none"]))
             for shape in ("session", "sequential")}
    over_none = statistics.median(d["msgs_per_s"] / n["msgs_per_s"] for d, n in pairs["session"])
    rows.append(("smtpd sync / none, 32 sessions (median of rounds)", over_none, ">= 0.85",
                 over_none >= 0.85))
    # One sequential session waits for its own sync per message: the bound is the
    # non-durable time per message plus what one fdatasync of a small append adds to a
    # request and its reply here, probed in the same round (sync_probe.cpp: more than the
    # sync's own time, as both CPUs fall idle while it runs). Beside it, for comparison, the
    # bound with the sync's own time alone, as smtpd timed it.
    probed = zip(pairs["sequential"], table["probe"])
    to_bound = statistics.median(d["msgs_per_s"] * (1 / n["msgs_per_s"] + p["adds_us"] / 1e6)
                                 for (d, n), p in probed)
    own_time = statistics.median(d["msgs_per_s"] * (1 / n["msgs_per_s"] + d["sync_s"])
                                 for d, n in pairs["sequential"])
    rows.append(("smtpd sequential / its bound (median of rounds)", to_bound, ">= 0.90",
                 to_bound >= 0.90))
    rows.append(("  the same, a sync counted as its own time alone", own_time, "-", True))
    table["targets"] = [{"what": w, "value": v, "target": t, "met": ok} for w, v, t, ok in rows]
    return "\n".join("  %-50s %7.2f" % (w, v) + (
        "  (target %s) %s" % (t, "met" if ok else "NOT MET") if t != "-" else "")
        for w, v, t, ok in rows)
