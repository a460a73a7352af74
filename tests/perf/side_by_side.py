#!/usr/bin/python3
"""smtpd side by side with another build of itself (the commit before a change), durable and
with --durability none, loaded by Postfix's smtp-source in the peer bench's shapes; rounds
alternate the order of the builds. Reports each shape's median messages per second and
server CPU per message for both builds, and the ratio of the new to the old: a change that
should cost nothing shows ratios near 1.

    side_by_side.py --build build --before DIR --peers build/peers [--rounds 5] [--scale 1.0]
                    [--shapes short,session,...]

DIR is the other build's folder (DIR/bin/smtpd). The mailbox files of every run are checked
as in the peer bench (mailbox_check of --build).
"""
import argparse
import os
import statistics
import sys
import tempfile

import peer_bench
from bench_report import SHAPES


def lineup(build, before):
    every = peer_bench.SMTPD_BACKUP_EVERY
    return [(durability, [
        peer_bench.Server("smtpd-" + durability, every, peer_bench.smtpd(build, durability)),
        peer_bench.Server("before-" + durability, every, peer_bench.smtpd(before, durability))])
        for durability in ("sync", "none")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--before", required=True)
    parser.add_argument("--peers", default="build/peers")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--shapes", help="only these shapes, comma-separated (default: all)")
    args = parser.parse_args()
    shapes = [s for s in SHAPES if not args.shapes or s.name in args.shapes.split(",")]
    if not shapes:
        parser.error("--shapes: none of " + ", ".join(s.name for s in SHAPES))
    if args.rounds < 1 or args.scale <= 0:
        parser.error("--rounds must be at least 1 and --scale above 0")
    build, before = os.path.abspath(args.build), os.path.abspath(args.before)
    peers = os.path.abspath(args.peers)
    if not os.access(os.path.join(before, "bin", "smtpd"), os.X_OK):
        parser.error("no smtpd in %s/bin" % before)
    pin = {0, 1} <= os.sched_getaffinity(0)
    pairs = lineup(build, before)
    runs = {}
    with tempfile.TemporaryDirectory(prefix="postable-side-by-side-") as scratch:
        for round_index in range(args.rounds):
            for shape in shapes:
                messages = max(1, round(shape.messages * args.scale))
                for durability, pair in pairs:
                    order = pair if round_index % 2 == 0 else pair[::-1]
                    for server in order:
                        figures = peer_bench.run_once(server, shape, messages, build, peers,
                                                      scratch, pin)
                        runs.setdefault((shape.name, server.name), []).append(figures)
            print("round %d of %d done" % (round_index + 1, args.rounds), flush=True)
    print("shape       durability  new msgs/s  old msgs/s  ratio  new CPU us/msg  old  ratio")
    worst = None
    for shape in shapes:
        for durability, (new, old) in pairs:
            median = {name: {key: statistics.median(r[key] for r in runs[(shape.name, name)])
                             for key in ("msgs_per_s", "cpu_us_per_msg")}
                      for name in (new.name, old.name)}
            rate = median[new.name]["msgs_per_s"] / median[old.name]["msgs_per_s"]
            cpu = median[new.name]["cpu_us_per_msg"] / median[old.name]["cpu_us_per_msg"]
            worst = rate if worst is None else min(worst, rate)
            print("%-11s %-11s %10.0f  %10.0f  %5.3f  %14.1f  %4.1f  %5.3f" % (
                shape.name, durability, median[new.name]["msgs_per_s"],
                median[old.name]["msgs_per_s"], rate, median[new.name]["cpu_us_per_msg"],
                median[old.name]["cpu_us_per_msg"], cpu))
    print("lowest throughput ratio (new / old): %.3f" % worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
