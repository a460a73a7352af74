#!/usr/bin/python3
"""The benchmark's Python peer: an aiosmtpd server that appends every message to one
`mailbox` file in smtpd's record format (numbered, in delivery order), so that both servers
do the same work per message. One asyncio loop, no backups.

    aiosmtpd_mailbox.py --port PORT --dir DIR

Prints `listening on 127.0.0.1:PORT` when it accepts connections; stops on SIGTERM.
"""
import argparse
import asyncio
import os
import re
import signal

from aiosmtpd.smtp import SMTP


class MailboxHandler:
    def __init__(self, directory):
        self.mailbox = open(os.path.join(directory, "mailbox"), "wb")
        self.number = 0

    async def handle_DATA(self, server, session, envelope):
        self.number += 1
        head = [b"Received: from %s by postable-peer (CS4410MP3)" % session.host_name.encode(),
                b"Number: %d" % self.number,
                b"From: %s" % envelope.mail_from.encode()]
        head += [b"To: %s" % rcpt.encode() for rcpt in envelope.rcpt_tos]
        body = envelope.original_content.replace(b"\r\n", b"\n")
        # smtpd's quoting: a body line `>*Received: ` gets one more `>` (README, mailbox format).
        body = re.sub(rb"(?m)^(>*Received: )", rb">\1", body)
        self.mailbox.write(b"\n".join(head) + b"\n\n" + body + b"\n")
        self.mailbox.flush()  # in the file (the page cache) before the 250, as smtpd does
        return "250 OK: delivered message %d" % self.number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    handler = MailboxHandler(args.dir)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, decode_data=False, hostname="postable-peer"),
        host="127.0.0.1", port=args.port, backlog=4096))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print("listening on 127.0.0.1:%d" % args.port, flush=True)
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
