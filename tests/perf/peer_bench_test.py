#!/usr/bin/python3
"""The bench's own check: a mailbox folder passes only if it holds messages 1..N once each,
every file in number order, every backup exactly its range."""
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
    def folder(self, files):
        path = tempfile.mkdtemp(prefix="postable-bench-test-")
        self.addCleanup(shutil.rmtree, path)
        for name, numbers in files.items():
            with open(os.path.join(path, name), "w") as f:
                f.write("".join(record(n) for n in numbers))
        return path

    def test_a_complete_folder_passes(self):
        path = self.folder({"mailbox.1-3": [1, 2, 3], "mailbox.4-6": [4, 5, 6], "mailbox": [7]})
        self.assertIsNone(check_mailbox_folder(path, 7))

    def test_a_lost_message_is_named(self):
        path = self.folder({"mailbox.1-3": [1, 2, 3], "mailbox": [5]})
        self.assertIn("missing [4]", check_mailbox_folder(path, 5))

    def test_an_unacknowledged_extra_message_fails(self):
        path = self.folder({"mailbox": [1, 2, 3]})
        self.assertIn("3 stored for 2 acknowledged", check_mailbox_folder(path, 2))

    def test_a_repeated_number_fails(self):
        path = self.folder({"mailbox.1-2": [1, 2], "mailbox": [2, 3]})
        self.assertIn("repeated", check_mailbox_folder(path, 3))

    def test_a_backup_with_the_wrong_group_fails(self):
        path = self.folder({"mailbox.1-2": [1, 3], "mailbox": [2]})
        self.assertIn("mailbox.1-2 holds [1, 3]", check_mailbox_folder(path, 3))

    def test_a_file_out_of_number_order_fails(self):
        path = self.folder({"mailbox": [2, 1]})
        self.assertIn("out of number order", check_mailbox_folder(path, 2))


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
    unittest.main()
