#!/usr/bin/python3
"""A local SMTP server that stores every mail it accepts as a file (the suite's mail sink).

Each accepted message becomes <maildir>/<unix-nanos>-<seq>.eml, written atomically (tmp + rename)
with X-Sink-Mail-From / X-Sink-Rcpt-To headers recording the envelope. With --reject-5xx the sink
answers every RCPT with 550, so tests can drive permanent failures; the mode can be switched at
run time by creating or removing <maildir>/../smtp_reject (checked per message). A file
<maildir>/../smtp_delay holding a number of seconds makes the sink a slow relay: it answers each
DATA only that long after receiving it (read per message).
"""
import argparse
import asyncio
import itertools
import os
import signal
import time

from aiosmtpd.controller import Controller

_seq = itertools.count()


class FileHandler:
    def __init__(self, maildir, reject_flag, always_reject):
        self.maildir = maildir
        self.reject_flag = reject_flag
        self.delay_flag = os.path.join(os.path.dirname(reject_flag), "smtp_delay")
        self.always_reject = always_reject

    def _delay(self):
        try:
            with open(self.delay_flag) as f:
                return max(0.0, float(f.read().strip() or 0))
        except (OSError, ValueError):
            return 0.0

    def _rejecting(self):
        return self.always_reject or os.path.exists(self.reject_flag)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._rejecting():
            return "550 5.7.1 Recipient rejected by test sink"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = self._delay()
        if delay:
            await asyncio.sleep(delay)  # Other sessions go on meanwhile.
        name = "%d-%06d.eml" % (time.time_ns(), next(_seq))
        tmp = os.path.join(self.maildir, "." + name + ".tmp")
        header = "X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        with open(tmp, "wb") as f:
            f.write(header.encode("ascii", "replace"))
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.maildir, name))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--reject-5xx", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)
    reject_flag = os.path.join(os.path.dirname(os.path.abspath(args.maildir)), "smtp_reject")
    handler = FileHandler(args.maildir, reject_flag, args.reject_5xx)
    controller = Controller(handler, hostname=args.host, port=args.port,
                            data_size_limit=10 * 1024 * 1024, decode_data=False)
    controller.start()
    print("smtp sink listening on %s:%d, storing into %s" % (args.host, args.port, args.maildir),
          flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
