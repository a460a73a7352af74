#!/usr/bin/python3
"""The bench's own tests: the mailbox rule it applies (the suite's, through mailbox_check)
rejects every kind of broken folder; its chart is drawn to scale.

    peer_bench_test.py PATH/TO/mailbox_check
"""
import os
import shutil
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_chart import chart  # noqa: E402
from peer_bench import check_mailbox_folder  # noqa: E402


def record(number):
    return ("Received: from h by postable (CS4410MP3)\nNumber: %d\nFrom: a\nTo: b\n\nbody\n\n"
            % number)


class MailboxFolderCheck(unittest.TestCase):
    """The rule the bench applies, through `mailbox_check` (argv[1]), backups every 3."""

    def folder(self, files):
        path = tempfile.mkdtemp(prefix="postable-bench-test-")
        self.addCleanup(shutil.rmtree, path)
        for name, numbers in files.items():
            with open(os.path.join(path, name), "w") as f:
                f.write("".join(record(n) for n in numbers))
        return path

    def check(self, files, expected):
        return check_mailbox_folder(CHECKER, self.folder(files), expected, 3)

    def test_a_complete_folder_passes(self):
        files = {"mailbox.1-3": [1, 2, 3], "mailbox.4-6": [4, 5, 6], "mailbox": [7]}
        self.assertIsNone(self.check(files, 7))

    def test_a_lost_message_is_named(self):
        wrong = self.check({"mailbox.1-3": [1, 2, 3], "mailbox": [5]}, 5)
        self.assertIn("mailbox holds [5 ], not [4 5 ]", wrong)

    def test_an_unacknowledged_extra_message_fails(self):
        self.assertIn("holds [1 2 ], not [1 ]", self.check({"mailbox": [1, 2]}, 1))

    def test_a_repeated_number_fails(self):
        wrong = self.check({"mailbox.1-3": [1, 2, 3], "mailbox": [3, 4]}, 4)
        self.assertIn("mailbox holds [3 4 ], not [4 ]", wrong)

    def test_a_backup_with_the_wrong_group_fails(self):
        wrong = self.check({"mailbox.1-3": [1, 2, 4], "mailbox": [3]}, 3)
        self.assertIn("mailbox.1-3 holds [1 2 4 ]", wrong)

    def test_a_missing_or_misnamed_backup_fails(self):
        wrong = self.check({"mailbox.2-4": [1, 2, 3], "mailbox": []}, 3)
        self.assertIn("mailbox.2-4 does not follow the backup before it", wrong)
        self.assertIn("mailbox.2-4 holds [1 2 3 ], not [2 3 4 ]", wrong)

    def test_a_file_out_of_number_order_fails(self):
        self.assertIn("holds [2 1 ]", self.check({"mailbox": [2, 1]}, 2))


class Chart(unittest.TestCase):
    def test_each_server_gets_a_bar_per_shape_scaled_to_the_sink(self):
        def figures(rate):
            return {"msgs_per_s": rate}
        table = {"rounds": 3, "median": {
            "short": {"smtpd": figures(200), "smtp-sink": figures(100), "aiosmtpd": figures(25)},
            "100KB": {"smtpd": figures(90), "smtp-sink": figures(60), "aiosmtpd": figures(6)}}}
        svg = ElementTree.fromstring(chart(table))
        space = "{http://www.w3.org/2000/svg}"
        legend_and_background = ("100%", "12")
        bars = [r for r in svg.iter(space + "rect") if r.get("width") not in legend_and_background]
        self.assertEqual(len(bars), 6)
        labels = [t.text for t in svg.iter(space + "text")]
        for ratio in ("2.00", "1.00", "0.25", "1.50", "0.10"):
            self.assertIn(ratio, labels)
        heights = sorted(float(b.get("height")) for b in bars)
        self.assertAlmostEqual(heights[-1] / heights[0], 2.00 / 0.10, delta=0.2)  # 0.1 px


if __name__ == "__main__":
    CHECKER = sys.argv.pop(1) if len(sys.argv) > 1 else "build/bin/mailbox_check"
    unittest.main()
