#!/usr/bin/python3
"""smtpd (durable, and with --durability none) side by side with Postfix's smtp-sink, an
aiosmtpd mailbox server and a real Postfix MTA queueing to disk (postfix_mta.py), each loaded
on loopback by Postfix's smtp-source in the same shapes, rounds alternating the servers.

    peer_bench.py --build build --peers build/peers [--rounds 5] [--scale 1.0] [--json F]

For every shape it reports the medians over the rounds of messages per second (smtp-source's
wall time), server CPU per message (from /proc, the server's own threads only), the
server's peak RSS (VmHWM; a fresh server per run), each server's ratio to smtp-sink, and
how busy smtp-source itself was (its CPU time over the wall time: near 100%, the load
generator, not the server, set the pace).
Every message smtp-source sent was acknowledged (it aborts on any other reply); for the two
servers that store mail, every one must be in the mailbox files, numbered 1..N once each,
backups exactly their range: otherwise the bench fails.

With two CPUs or more, every server runs on CPU 1 and smtp-source on CPU 0 (--no-pin turns
this off): each server gets the same one core (smtp-sink and aiosmtpd use one anyway) and
the load generator never competes with it. Unpinned, on a 2-CPU machine, rounds of the same
server varied by a factor of two with where the scheduler put the client.
"""
import argparse
import json
import os
import re
import shutil
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import postfix_mta
from bench_report import (BIG, BIG_SERVERS, HUGE, HUGE_SERVERS, SHAPES, medians, report,
                          report_big, report_huge, targets)

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- checking the mailbox files ------------------------------------------------------------

def check_mailbox_folder(checker, folder, expected, backup_every):
    """None if `folder` holds exactly messages 1..expected as the test suite's rule demands
    (`mailbox_check`, built from tests/support/mailbox_folder.cpp): each once, every backup
    exactly its group and named for it, the live file the rest, in order; else what is wrong."""
    result = subprocess.run([checker, folder, str(expected), str(backup_every)],
                            capture_output=True, text=True)
    if result.returncode == 0:
        return None
    return (result.stdout + result.stderr).strip() or "mailbox_check exited %d" % (
        result.returncode)


# ---- the servers -------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_greeting(port, process, deadline=10.0):
    """Blocks until the server on `port` greets with 220 (then says QUIT)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError("the server exited with %d before it greeted" % process.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(512).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    s.recv(512)
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("no greeting on port %d within %g s" % (port, deadline))


@dataclass
class Server:
    name: str
    backup_every: int  # messages per backup file; 0: stores nothing (or not in our files)
    command: object  # (port, folder) -> argv
    env: dict = field(default_factory=dict)
    # A server of several processes (its figures summed over them), set up by `prepare`
    # ((port, folder) -> (argv, env)) and checked by `queued` (folder -> messages stored).
    prepare: object = None
    queued: object = None


SMTPD_BACKUP_EVERY = 32
NO_BACKUPS = 2 ** 62  # aiosmtpd keeps one file: a group size no run reaches


def smtpd(build, durability):
    # --max-size lets the 1 GiB shape in; a limit, it changes nothing for smaller messages.
    return lambda port, folder: [
        os.path.join(build, "bin", "smtpd"), "--port", str(port), "--dir", folder,
        "--backup-every", str(SMTPD_BACKUP_EVERY), "--durability", durability, "--quiet",
        "--max-size", str(2 ** 31)]


def servers(build, peers):
    postfix = os.path.join(peers, "root", "usr")
    sink_user = ["-u", "nobody"] if os.geteuid() == 0 else []
    return [
        Server("smtpd", SMTPD_BACKUP_EVERY, smtpd(build, "sync")),
        Server("smtpd-none", SMTPD_BACKUP_EVERY, smtpd(build, "none")),
        Server("smtp-sink", 0, lambda port, folder: [
            os.path.join(postfix, "sbin", "smtp-sink")] + sink_user + [
            "127.0.0.1:%d" % port, "256"],
            {"LD_LIBRARY_PATH": os.path.join(postfix, "lib", "postfix")}),
        Server("aiosmtpd", NO_BACKUPS, lambda port, folder: [
            "/usr/bin/python3", os.path.join(HERE, "aiosmtpd_mailbox.py"), "--port", str(port),
            "--dir", folder]),
        Server("postfix", 0, None,
               prepare=lambda port, folder: postfix_mta.prepare(
                   os.path.join(peers, "root"), port, folder),
               queued=postfix_mta.count_queued),
    ]


def family(pid):
    """`pid` and every process below it (a Postfix master's smtpd, cleanup, qmgr, ...)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def wait_until_gone(pids, patience=10.0):
    end = time.monotonic() + patience
    while any(os.path.exists("/proc/%d" % pid) for pid in pids) and time.monotonic() < end:
        time.sleep(0.02)


def cpu_seconds(pid, whole_family=False):
    """User plus system time of the process's threads so far (not its children, unless
    `whole_family`: then of every process below it too)."""
    total = 0
    for member in family(pid) if whole_family else [pid]:
        try:
            with open("/proc/%d/stat" % member) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid, whole_family=False):
    total = 0
    for member in family(pid) if whole_family else [pid]:
        try:
            with open("/proc/%d/status" % member) as f:
                total += int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
        except (OSError, AttributeError):
            continue
    return total / 1024


def syncs_reported(said_path):
    """The syncs smtpd's last `stopped:` line counts and their mean time in seconds (None for
    a server that says none)."""
    with open(said_path, errors="replace") as said:
        found = re.findall(r"stopped: \d+ message\(s\) stored with (\d+) sync\(s\), (\d+) us",
                           said.read())
    return (int(found[-1][0]), int(found[-1][1]) / 1e6) if found else None


def sync_seconds(scratch, appends=200):
    """The median time of one fdatasync after a small append, on the bench's file system:
    what one sequential session must wait per message at the least."""
    path = os.path.join(scratch, "sync-probe")
    times = []
    with open(path, "ab") as f:
        for _ in range(appends):
            f.write(b"x" * 300)
            f.flush()
            start = time.perf_counter()
            os.fdatasync(f.fileno())
            times.append(time.perf_counter() - start)
    os.remove(path)
    return statistics.median(times)


def running_order(lineup, round_index):
    """The servers in the order of one round: rotated by one each round, so that none is
    always first; the two smtpd runs (durable and not) stay side by side, in turns first, so
    that each round's ratio of the two compares runs made a moment apart."""
    units = [lineup[:2]] + [[server] for server in lineup[2:]]
    turn = round_index % len(units)
    units = units[turn:] + units[:turn]
    if round_index % 2:
        units = [unit[::-1] for unit in units]
    return [server for unit in units for server in unit]


def probe_sync(build, scratch):
    """What one fdatasync of a small append adds to a request and its reply, now (medians of
    sync_probe's alternating rounds with and without it)."""
    said = subprocess.run([os.path.join(build, "bin", "sync_probe"), scratch, "1000", "3"],
                          capture_output=True, text=True, timeout=120, check=True).stdout
    words = said.split()
    return {key: float(value) for key, value in zip(words[::2], words[1::2])}


def on_cpu(cpu):
    """For Popen's preexec_fn: the child runs on `cpu` only (None: wherever)."""
    return None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))


def run_once(server, shape, messages, build, peers, scratch, pin, check=True):
    """One fresh server, one smtp-source run; the figures, or an exception saying why not."""
    folder = tempfile.mkdtemp(dir=scratch, prefix=server.name + "-")
    port = free_port()
    env = dict(os.environ, **server.env)
    many = server.prepare is not None
    command = server.command(port, folder) if not many else None
    if many:
        command, env = server.prepare(port, folder)
    # A file, not a pipe, for what the server says: a pipe nobody reads could fill and stall it.
    said_path = os.path.join(scratch, server.name + ".stderr")
    with open(said_path, "ab") as said:
        process = subprocess.Popen(command, env=env, cwd=folder,
                                   stdout=subprocess.DEVNULL, stderr=said,
                                   preexec_fn=on_cpu(1 if pin else None))
    try:
        try:
            wait_for_greeting(port, process)
        except RuntimeError as problem:
            with open(said_path, errors="replace") as said:
                raise RuntimeError("%s: %s; it said: %s" % (
                    server.name, problem, said.read()[-500:].strip())) from None
        cpu_before = cpu_seconds(process.pid, many)
        postfix = os.path.join(peers, "root", "usr")
        source = [os.path.join(postfix, "sbin", "smtp-source")] + shape.flags + [
            "-m", str(messages), "-M", "bench.postable.test", "-f", "bench@postable.test",
            "-t", "mailbox@postable.test", "127.0.0.1:%d" % port]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        sent = subprocess.run(source, capture_output=True, timeout=300,
                              preexec_fn=on_cpu(0 if pin else None),
                              env=dict(os.environ, LD_LIBRARY_PATH=os.path.join(
                                  postfix, "lib", "postfix")))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # smtp-source is the one reaped
        source_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        cpu = cpu_seconds(process.pid, many) - cpu_before
        rss = peak_rss_mb(process.pid, many)
        if sent.returncode != 0 or sent.stderr:
            raise RuntimeError("smtp-source against %s: exit %d: %s" % (
                server.name, sent.returncode, sent.stderr.decode(errors="replace").strip()))
    finally:
        members = family(process.pid)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        wait_until_gone(members[1:])  # a master's children outlive it a moment
    syncs = syncs_reported(said_path)
    if server.queued and server.queued(folder) != messages:
        raise RuntimeError("%s, %s: %d messages queued, not %d" % (
            server.name, shape.name, server.queued(folder), messages))
    if server.backup_every and check:
        checker = os.path.join(build, "bin", "mailbox_check")
        wrong = check_mailbox_folder(checker, folder, messages, server.backup_every)
        if wrong:
            raise RuntimeError("%s, %s: %s" % (server.name, shape.name, wrong))
    shutil.rmtree(folder)
    figures = {"msgs_per_s": messages / wall, "cpu_us_per_msg": cpu / messages * 1e6,
               "peak_rss_mb": rss, "source_busy": source_cpu / wall}
    if syncs is not None:
        figures["syncs_per_msg"] = syncs[0] / messages
        figures["sync_s"] = syncs[1]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--peers", default="build/peers")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies every shape's message count")
    parser.add_argument("--no-pin", action="store_true",
                        help="let the scheduler place servers and smtp-source anywhere")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    if args.rounds < 1 or args.scale <= 0:
        parser.error("--rounds must be at least 1 and --scale above 0")
    build, peers = os.path.abspath(args.build), os.path.abspath(args.peers)
    pin = not args.no_pin and {0, 1} <= os.sched_getaffinity(0)
    print("servers on CPU 1, smtp-source on CPU 0" if pin else "not pinned", flush=True)
    lineup = servers(build, peers)
    names = [s.name for s in lineup]
    counts = {s.name: max(1, round(s.messages * args.scale)) for s in SHAPES + [BIG, HUGE]}
    runs = {s.name: {n: [] for n in names} for s in SHAPES}
    probes = []
    big = {n: [] for n in BIG_SERVERS}
    with tempfile.TemporaryDirectory(prefix="postable-peer-bench-") as scratch:
        for round_index in range(args.rounds):
            order = running_order(lineup, round_index)
            for shape in SHAPES:
                for server in order:
                    figures = run_once(server, shape, counts[shape.name], build, peers,
                                       scratch, pin)
                    runs[shape.name][server.name].append(figures)
                if shape.name == "sequential":
                    probes.append(probe_sync(build, scratch))
            for server in order:
                if server.name in BIG_SERVERS:
                    big[server.name].append(run_once(server, BIG, counts[BIG.name], build,
                                                     peers, scratch, pin))
            print("round %d of %d done (%s first)" % (round_index + 1, args.rounds,
                                                      order[0].name), flush=True)
        huge = {server.name: run_once(server, HUGE, counts[HUGE.name], build, peers, scratch,
                                      pin, check=False)
                for server in lineup if server.name in HUGE_SERVERS}
        sync_s = sync_seconds(scratch)
    table = {"rounds": args.rounds, "pinned": pin, "messages": counts, "runs": runs,
             "probe": probes,
             "big": {"runs": big, "median": {n: medians(big[n]) for n in BIG_SERVERS}},
             "huge": huge,
             "median": {s: {n: medians(runs[s][n]) for n in names} for s in runs},
             "sync_s": sync_s}
    print("one fdatasync of a small append here: %.1f us (median of 200); it adds %.1f us to"
          " a request and its reply (median of rounds)" % (
              sync_s * 1e6, statistics.median(p["adds_us"] for p in probes)))
    print(report(table, names, args.rounds))
    print(report_big(table, counts[BIG.name], args.rounds))
    print(report_huge(table, counts[HUGE.name]))
    print("targets:\n" + targets(table))
    print("every acknowledged message of smtpd and aiosmtpd is in their mailbox files, and "
          "Postfix's queue holds every message it acknowledged")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(table, f, indent=1)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as problem:
        print("peer_bench: %s" % problem, file=sys.stderr)
        sys.exit(1)
