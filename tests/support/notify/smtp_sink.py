#!/usr/bin/python3
"""A real SMTP server for the kznotify tests (Debian's python3-aiosmtpd).

    smtp_sink.py --dir DIR [--user U --password-file F] [--reject-550 ADDR]...
                 [--reject-451 ADDR]... [--data-reply "554 5.6.0 text"]
                 [--tls-cert CERT --tls-key KEY [--implicit-tls]]
    smtp_sink.py --parse FILE...

Serves on 127.0.0.1, on a port the kernel picks, and prints "PORT <n>" on stdout once it
accepts connections. Each message accepted is saved as DIR/<n>.eml (the bytes received, after
dot-unstuffing) and then DIR/<n>.json: the envelope, the login used and what Python's e-mail
parser reads in the message (see parse()). With --user, AUTH LOGIN/PLAIN is offered without TLS
(loopback only) and required; a wrong password gets 535. A recipient named by --reject-550 gets
"550 5.1.1", one named by --reject-451 "451 4.3.0"; --data-reply answers the end of DATA with
that reply instead of 250 (nothing is saved). With --tls-cert, STARTTLS is offered (not
required), or with --implicit-tls the port speaks TLS from the first byte (SMTPS). SIGTERM
stops it, and so does the end of the process that started it. --parse prints parse() of each
file as a JSON list and exits.
"""

import argparse
import asyncio
import email
import email.policy
import email.utils
import json
import logging
import os
import signal
import ssl
import sys
import warnings

REPLY_550 = "550 5.1.1 No such user here"
REPLY_451 = "451 4.3.0 Temporary failure, try again later"


def parse(raw: bytes) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    header_end = raw.find(b"\r\n\r\n")
    lines = raw.split(b"\r\n")
    date = msg["date"]
    return {
        "from": str(msg["from"]) if msg["from"] is not None else None,
        "to": [a.addr_spec for a in msg["to"].addresses] if msg["to"] is not None else [],
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "date_epoch": int(email.utils.parsedate_to_datetime(str(date)).timestamp())
        if date is not None else None,
        "date": str(date) if date is not None else None,
        "message_id": str(msg["message-id"]) if msg["message-id"] is not None else None,
        "mime_version": str(msg["mime-version"]) if msg["mime-version"] is not None else None,
        "content_type": msg.get_content_type(),
        "charset": msg.get_content_charset(),
        "transfer_encoding": str(msg["content-transfer-encoding"]),
        "body": msg.get_content(),
        "header_count": len(msg.keys()),
        "max_line_octets": max(len(line) for line in lines),
        "header_block": raw[:header_end].decode("ascii", "replace") if header_end >= 0 else "",
        "bare_line_feed": any(i == 0 or raw[i - 1] != 0x0D
                              for i in range(len(raw)) if raw[i] == 0x0A),
        "bare_carriage_return": any(raw[i + 1:i + 2] != b"\n"
                                    for i in range(len(raw)) if raw[i] == 0x0D),
        "eight_bit": any(b > 0x7F for b in raw),
        "defects": [type(d).__name__ for d in msg.defects],
    }


class Sink:
    def __init__(self, folder, reject_550, reject_451, data_reply):
        self.folder = folder
        self.reject_550 = {a.lower() for a in reject_550}
        self.reject_451 = {a.lower() for a in reject_451}
        self.data_reply = data_reply
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject_550:
            return REPLY_550
        if address.lower() in self.reject_451:
            return REPLY_451
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.count += 1
        base = os.path.join(self.folder, "%06d" % self.count)
        raw = envelope.original_content or envelope.content
        write_atomically(base + ".eml", raw)
        login = getattr(session.auth_data, "login", None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "message": parse(raw),
        }
        write_atomically(base + ".json", json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return "250 2.0.0 Message accepted for delivery"


def write_atomically(path, data: bytes):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def make_authenticator(user, password):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode("utf-8")
              and auth_data.password == password.encode("utf-8"))
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticator


async def stop_when_orphaned(loop, parent):
    """Ends the server once the test that started it is gone (killed before its destructor)."""
    while os.getppid() == parent:
        await asyncio.sleep(1)
    loop.stop()


def serve(args):
    from aiosmtpd.smtp import SMTP

    # aiosmtpd warns that AUTH without TLS is unsafe: on 127.0.0.1 in a test it is what we want.
    warnings.filterwarnings("ignore", category=UserWarning)
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # refused handshakes are tested
    sink = Sink(args.dir, args.reject_550, args.reject_451, args.data_reply)
    options = {}
    if args.user is not None:
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read().rstrip("\n")
        options = {"authenticator": make_authenticator(args.user, password),
                   "auth_required": True, "auth_require_tls": False}
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if not args.implicit_tls:
            options["tls_context"] = context
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, hostname="sink.kzpool.test", loop=loop, **options), "127.0.0.1", 0,
        ssl=context if args.implicit_tls else None))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.create_task(stop_when_orphaned(loop, os.getppid()))
    loop.run_forever()
    server.close()
    loop.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir")
    parser.add_argument("--user")
    parser.add_argument("--password-file")
    parser.add_argument("--reject-550", action="append", default=[])
    parser.add_argument("--reject-451", action="append", default=[])
    parser.add_argument("--data-reply")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--parse", nargs="+")
    args = parser.parse_args()
    if args.parse:
        out = []
        for path in args.parse:
            with open(path, "rb") as f:
                out.append(parse(f.read()))
        json.dump(out, sys.stdout, ensure_ascii=False)
        return
    if not args.dir:
        parser.error("--dir is required")
    serve(args)


if __name__ == "__main__":
    main()
