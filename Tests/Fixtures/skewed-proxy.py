"""A reverse proxy for tests: forwards every request to a Kisi sandbox and answers with a
Date header shifted by SKEW seconds, as a Kisi whose clock disagrees with ours would.

Usage: skewed-proxy.py UPSTREAM SKEW PORTFILE   (writes its port to PORTFILE, then serves)
"""
import email.utils
import http.server
import os
import sys
import time
import urllib.error
import urllib.request

UPSTREAM, SKEW, PORTFILE = sys.argv[1].rstrip("/"), float(sys.argv[2]), sys.argv[3]


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(time.time() + SKEW, usegmt=True)

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        request = urllib.request.Request(UPSTREAM + self.path, data=body, method=self.command)
        for name in ("Authorization", "Content-Type", "Accept"):
            if self.headers.get(name):
                request.add_header(name, self.headers[name])
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, headers, payload = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, payload = error.code, error.headers, error.read()
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("date", "content-length", "connection", "transfer-encoding", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = forward

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
with open(PORTFILE + ".part", "w") as file:
    file.write(str(server.server_address[1]))
os.rename(PORTFILE + ".part", PORTFILE)
server.serve_forever()
