#!/usr/bin/env python3
"""Serves observer pages that only JavaScript can read, on 127.0.0.1, for the sandbox test.

    js_page_server.py PORT_FILE NAME=SAMPLE.html [NAME=SAMPLE.html ...]

GET /NAME answers SAMPLE.html with its body moved into a script that puts it back 50 ms after
DOMContentLoaded (as kzscrape_render_test.cpp's pages do): the HTML alone holds no data, so
only a real browser run gives kzscrape the pool. Binds an ephemeral port, writes it to
PORT_FILE once listening, and serves until killed.
"""

import http.server
import json
import os
import sys


def script_built(page: str) -> bytes:
    start = page.index("<body>")
    end = page.rindex("</body>")
    body = json.dumps(page[start + len("<body>"):end]).replace("</", "<\\/")
    shell = ('<body><div id="__next">Loading…</div><script>const BODY = ' + body +
             ";\ndocument.addEventListener('DOMContentLoaded', () => setTimeout(() => {"
             " document.body.innerHTML = BODY; }, 50));</script></body></html>")
    return (page[:start] + shell).encode("utf-8")


def main() -> None:
    port_file = sys.argv[1]
    pages = {}
    for spec in sys.argv[2:]:
        name, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            pages["/" + name] = script_built(f.read())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = pages.get(self.path)
            if page is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            sys.stderr.write("js_page_server: " + (format % args) + "\n")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".part", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".part", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
