#!/usr/bin/python3
"""Draws peer_bench.py's figures as an SVG bar chart: for each shape, each server's median
messages per second as a multiple of smtp-sink's, with the line at 1.0.

    bench_chart.py build/peer_bench.json diagrams/peer_bench.svg
"""
import json
import sys
from xml.sax.saxutils import escape

COLOURS = {"smtpd": "#2b6cb0", "smtpd-none": "#90cdf4", "smtp-sink": "#a0aec0",
           "aiosmtpd": "#dd6b20"}
WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 60


def chart(table):
    shapes = list(table["median"])
    servers = list(table["median"][shapes[0]])
    ratio = {(shape, server): table["median"][shape][server]["msgs_per_s"] /
             table["median"][shape]["smtp-sink"]["msgs_per_s"]
             for shape in shapes for server in servers}
    top = max(2.0, max(ratio.values()) * 1.1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value):
        return TOP + plot_h * (1 - value / top)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (WIDTH, HEIGHT),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14">messages per second, as a multiple of '
           'smtp-sink (medians of %d rounds)</text>' % (LEFT, table["rounds"])]
    for tick in [t / 2 for t in range(int(top * 2) + 1)]:
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#edf2f7"/>' % (
            LEFT, WIDTH - RIGHT, y(tick), y(tick)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%.1f</text>' % (
            LEFT - 6, y(tick) + 4, tick))
    group = plot_w / len(shapes)
    bar = group * 0.8 / len(servers)
    for i, shape in enumerate(shapes):
        x0 = LEFT + i * group + group * 0.1
        for j, server in enumerate(servers):
            value = ratio[(shape, server)]
            x = x0 + j * bar
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>' % (
                x, y(value), bar - 2, y(0) - y(value), COLOURS.get(server, "#718096")))
            out.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10">%.2f'
                       '</text>' % (x + bar / 2 - 1, y(value) - 3, value))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
            x0 + bar * len(servers) / 2, HEIGHT - BOTTOM + 18, escape(shape)))
    out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="black" '
               'stroke-dasharray="4 3"/>' % (LEFT, WIDTH - RIGHT, y(1), y(1)))
    for j, server in enumerate(servers):
        x = LEFT + j * 140
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (
            x, HEIGHT - 22, COLOURS.get(server, "#718096")))
        out.append('<text x="%d" y="%d">%s</text>' % (x + 18, HEIGHT - 12, escape(server)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench_chart.py FIGURES.json CHART.svg")
    with open(sys.argv[1]) as f:
        table = json.load(f)
    with open(sys.argv[2], "w") as f:
        f.write(chart(table))


if __name__ == "__main__":
    main()
