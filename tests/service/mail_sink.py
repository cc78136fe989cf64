"""A real SMTP server for tests (aiosmtpd), run as its own process: each message it accepts
is written to DIR as a JSON file (mail_from, rcpt_tos, raw data).

    python tests/service/mail_sink.py --port P --dir DIR [--user U --password W] [--cert C --key K]

With --cert/--key it offers STARTTLS; with --user it requires AUTH (over TLS when --cert).
"""
import argparse
import json
import pathlib
import ssl
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory: pathlib.Path):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "data": envelope.content.decode("utf-8", errors="replace"),
                  "tls": session.ssl is not None, "authenticated": bool(session.authenticated)}
        tmp = self.directory / f".{uuid.uuid4().hex}"
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.rename(self.directory / f"{time.time_ns()}-{uuid.uuid4().hex[:6]}.json")
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    kwargs = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        kwargs.update(tls_context=context, require_starttls=True)
    if args.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user
                  and auth_data.password.decode() == args.password)
            return AuthResult(success=ok, handled=False)
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.cert),
                      auth_exclude_mechanism=["LOGIN"])  # smtplib tries PLAIN first
    controller = Controller(Sink(pathlib.Path(args.dir)), hostname="127.0.0.1", port=args.port, **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
