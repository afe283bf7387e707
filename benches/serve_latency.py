#!/usr/bin/env python3
"""Edit-to-browser latency of `yishi serve`.

    python3 benches/serve_latency.py [N] [--runs 10] [--port P] [--root DIR] [--bin PATH]

Generates a corpus of N cases (default 1000) in benches/.corpus/serve-N (or
uses --root DIR), starts `yishi serve --root DIR --port P`, waits until
http://127.0.0.1:P/ answers, and listens to the live-reload stream
/__yishi/events (text/event-stream). Then, --runs times, it appends a unique
marker sentence to one case's Markdown file and measures

  (a) page: time from the file write until GET /cases/<slug>/ contains the
      marker (polled every 5 ms);
  (b) reload: time from the file write until the next `reload` event arrives.

It prints each run, the median and the maximum, restores the edited files and
stops the server. Standard library only.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
POLL = 0.005          # page poll interval, seconds
RUN_TIMEOUT = 60.0    # give up on one measurement after this long
QUIET = 0.4           # no reload event for this long before the next edit


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Http:
    """GET client for 127.0.0.1: one short connection per request.

    Keep-alive would let Nagle's algorithm on the server meet delayed ACKs on
    this side (~40 ms per response sent in two writes); a fresh connection
    starts in quick-ACK mode, so the poll really runs every few milliseconds.
    """

    def __init__(self, port):
        self.port = port

    def get(self, path, timeout=5.0):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Cache-Control": "no-cache", "Connection": "close"})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def close(self):
        pass


class EventStream(threading.Thread):
    """Reads a text/event-stream over a raw socket; records `reload` arrival times."""

    def __init__(self, port, path):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: text/event-stream\r\n"
               "Cache-Control: no-cache\r\n\r\n" % (path, port))
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("event stream closed before its headers")
            head += chunk
        head, self.rest = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.strip().lower(): v.strip() for k, v in
                        (l.split(":", 1) for l in lines[1:] if ":" in l)}
        self.chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        self.sock.settimeout(None)
        self.reloads = []      # perf_counter() of each reload event
        self.other = 0         # other events (comments are not events)
        self.cond = threading.Condition()
        self.closed = False

    def _bytes(self):
        """Yield the body bytes, de-chunked."""
        buf = self.rest
        if not self.chunked:
            if buf:
                yield buf
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return
                yield data
        while True:
            while b"\r\n" not in buf:
                data = self.sock.recv(65536)
                if not data:
                    return
                buf += data
            size_line, buf = buf.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                return
            while len(buf) < size + 2:
                data = self.sock.recv(65536)
                if not data:
                    return
                buf += data
            yield buf[:size]
            buf = buf[size + 2:]

    def run(self):
        text = ""
        event, data = None, []
        try:
            for b in self._bytes():
                text += b.decode("utf-8", "replace")
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                *lines, text = text.split("\n")
                for line in lines:
                    if line == "":  # dispatch
                        if event is not None or data:
                            now = time.perf_counter()
                            payload = "\n".join(data)
                            is_reload = event == "reload" or (event in (None, "message") and "reload" in payload)
                            with self.cond:
                                if is_reload:
                                    self.reloads.append(now)
                                else:
                                    self.other += 1
                                self.cond.notify_all()
                        event, data = None, []
                    elif line.startswith(":"):
                        continue
                    else:
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "event":
                            event = value
                        elif field == "data":
                            data.append(value)
        except OSError:
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait_reload_after(self, t0, timeout):
        """Time of the first reload event received after t0, or None."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for t in self.reloads:
                    if t > t0:
                        return t
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    return None
                self.cond.wait(left)

    def wait_quiet(self, quiet, limit=10.0):
        """Wait until no reload event has arrived for `quiet` seconds."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            with self.cond:
                last = self.reloads[-1] if self.reloads else 0.0
            idle = time.perf_counter() - last
            if idle >= quiet:
                return
            time.sleep(quiet - idle)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def case_files(root):
    base = os.path.join(root, "content", "cases")
    out = []
    for d, dirs, files in os.walk(base):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".md"):
                out.append(os.path.join(d, f))
    return sorted(out)


def case_slug(path):
    with open(path, encoding="utf-8-sig") as fh:
        text = fh.read()
    m = re.match(r"---\r?\n(.*?)\r?\n---", text, re.S)
    if m:
        s = re.search(r"^slug:\s*['\"]?([a-z0-9-]+)", m.group(1), re.M)
        if s:
            return s.group(1)
    name = os.path.basename(path)
    if name == "index.md":
        name = os.path.basename(os.path.dirname(path))
    stem = name[:-3]
    if not re.fullmatch(r"[a-z0-9-]+", stem):
        sys.exit("serve_latency: cannot tell the slug of %s (set slug: in its front matter)" % path)
    return stem


def base_path(root):
    try:
        with open(os.path.join(root, "site.yaml"), encoding="utf-8-sig") as fh:
            m = re.search(r"^base_url:\s*['\"]?(\S+?)['\"]?\s*(#.*)?$", fh.read(), re.M)
        if m:
            p = urllib.parse.urlsplit(m.group(1)).path
            return p if p.endswith("/") else p + "/"
    except OSError:
        pass
    return "/"


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser(description="edit-to-browser latency of yishi serve")
    ap.add_argument("n", nargs="?", type=int, default=1000, help="cases in the generated corpus (default 1000)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--port", type=int, default=0, help="default: a free port")
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--root", help="use this site folder instead of generating one (edited files are restored)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "yishi"))
    args = ap.parse_args()

    if not os.access(args.bin, os.X_OK):
        sys.exit("serve_latency: %s not found; run `cargo build --release` first" % args.bin)
    root = args.root
    if root is None:
        root = os.path.join(HERE, ".corpus", "serve-%d" % args.n)
        print("generating %d cases in %s" % (args.n, root), flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), str(args.n), root,
                        "--seed", str(args.seed)], check=True)
    root = os.path.abspath(root)
    port = args.port or free_port()
    files = case_files(root)
    if not files:
        sys.exit("serve_latency: no cases under %s/content/cases" % root)
    picks = [files[(i * len(files)) // args.runs] for i in range(args.runs)]
    originals = {}

    os.makedirs(os.path.join(HERE, ".corpus", "logs"), exist_ok=True)
    log_path = os.path.join(HERE, ".corpus", "logs", "serve-%d.log" % args.n)
    log = open(log_path, "wb")
    cmd = [args.bin, "serve", "--root", root, "--port", str(port)]
    print("starting: %s" % " ".join(cmd), flush=True)
    t_start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    client = Http(port)
    stream = None
    try:
        # 1. wait for the first build and the server
        deadline = time.perf_counter() + 120 + len(files) / 50
        while True:
            if proc.poll() is not None:
                raise RuntimeError("yishi serve exited with status %s" % proc.returncode)
            try:
                status, _ = client.get("/", timeout=2)
                if status < 500:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError("server did not answer on port %d" % port)
            time.sleep(0.05)
        t_ready = time.perf_counter() - t_start
        print("server answered after %.2f s (first build of %d cases)" % (t_ready, len(files)), flush=True)

        # 2. where are pages and the event stream? (root, or the base_url sub-path)
        prefix = "/"
        first = "cases/%s/" % case_slug(picks[0])
        if client.get("/" + first)[0] != 200:
            bp = base_path(root)
            if bp != "/" and client.get(bp + first)[0] == 200:
                prefix = bp
            else:
                raise RuntimeError("GET /%s does not answer 200" % first)
        for ev_path in ("/__yishi/events", prefix + "__yishi/events"):
            stream = EventStream(port, ev_path)
            if stream.status == 200:
                break
            stream.close()
            stream = None
        if stream is None:
            raise RuntimeError("no event stream at /__yishi/events")
        ctype = stream.headers.get("content-type", "")
        if "text/event-stream" not in ctype:
            print("warning: event stream has Content-Type %r" % ctype)
        stream.start()
        time.sleep(0.2)
        stream.wait_quiet(QUIET)
        url0 = prefix + first
        lat = []
        for _ in range(20):
            t = time.perf_counter()
            client.get(url0)
            lat.append((time.perf_counter() - t) * 1000)
        get_ms = statistics.median(lat)
        print("GET of an unchanged case page: median %.2f ms" % get_ms)

        # 3. the measurements
        page_ms, reload_ms = [], []
        print("\n| run | case | page updated ms | reload event ms |")
        print("| ---: | --- | ---: | ---: |")
        for i, path in enumerate(picks, 1):
            url = prefix + "cases/%s/" % case_slug(path)
            if path not in originals:
                with open(path, "rb") as fh:
                    originals[path] = fh.read()
            marker = "YISHIMARK%02d%06d" % (i, int.from_bytes(os.urandom(3), "big"))
            t0 = time.perf_counter()
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("\n\n基准测试标记 %s。\n" % marker)
            page = None
            while True:
                now = time.perf_counter()
                if now - t0 > RUN_TIMEOUT:
                    break
                try:
                    status, body = client.get(url)
                    if status == 200 and marker.encode() in body:
                        page = time.perf_counter() - t0
                        break
                except OSError:
                    pass
                nxt = now + POLL
                delay = nxt - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            t_ev = stream.wait_reload_after(t0, RUN_TIMEOUT if page is None else 10.0)
            reload = None if t_ev is None else t_ev - t0
            if page is not None:
                page_ms.append(page * 1000)
            if reload is not None:
                reload_ms.append(reload * 1000)
            print("| %d | %s | %s | %s |" % (
                i, os.path.relpath(path, os.path.join(root, "content")),
                "%.1f" % (page * 1000) if page is not None else "timeout",
                "%.1f" % (reload * 1000) if reload is not None else "none"), flush=True)
            stream.wait_quiet(QUIET)

        def summary(name, xs):
            if not xs:
                return "| %s | - | - | 0/%d |" % (name, args.runs)
            return "| %s | %.1f | %.1f | %d/%d |" % (name, statistics.median(xs), max(xs), len(xs), args.runs)

        print("\nN=%d cases, %d edits, page polled every %d ms (one GET: %.2f ms)"
              % (len(files), args.runs, POLL * 1000, get_ms))
        print("| measure | median ms | max ms | ok |")
        print("| --- | ---: | ---: | ---: |")
        print(summary("(a) write → page has the marker", page_ms))
        print(summary("(b) write → reload event", reload_ms))
        ok = len(page_ms) == args.runs and len(reload_ms) == args.runs
    except (RuntimeError, OSError) as e:
        print("serve_latency: %s" % e, file=sys.stderr)
        ok = False
    finally:
        if stream is not None:
            stream.close()
        client.close()
        stop(proc)
        log.close()
        for path, data in originals.items():
            with open(path, "wb") as fh:
                fh.write(data)
    if not ok:
        with open(log_path, "rb") as fh:
            tail = fh.read()[-3000:].decode("utf-8", "replace")
        print("--- server log (%s), last lines ---\n%s" % (log_path, tail), file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
