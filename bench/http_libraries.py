#!/usr/bin/env python3
"""The hostile clients of bench/http_libraries.sh, against a server on 127.0.0.1:PORT.

  http_libraries.py idle PORT [N]      N connections (default 1000) opened and left idle; then a
                                       fresh GET /search: prints its status and seconds, and
                                       the seconds until the server closed the first idle one
  http_libraries.py slowloris PORT     a request head sent one byte a second: prints the
                                       seconds until the server cut it (and its status, if any)
  http_libraries.py long-target PORT   GET /search?q= with a 20 KB target: prints the status
  http_libraries.py header-flood PORT  GET /search with 2,000 headers of 50 bytes: the status
  http_libraries.py fairness PORT [N] [S]
                                       N keep-alive clients (default 64) sending GET /search
                                       one after another for S seconds (default 5): how many
                                       of them got at least one response (wrk's latencies
                                       count only the requests that were answered)

Every line is "key=value ..."; status=none means the connection was closed without a
response, status=timeout that nothing came within the cap. Python 3 standard library only.
"""
import re
import select
import socket
import sys
import time

CAP = 40.0  # seconds: longer than every timeout configured in the bench (15 s)


def ready(socks, events, seconds):
    """The sockets of socks with one of events (or an error or hang-up) within seconds."""
    poll = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        poll.register(fd, events)
    return [by_fd[fd] for fd, _ in poll.poll(max(0.0, seconds) * 1000)]


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=CAP)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_status(s, deadline):
    """The status of the first response on s, 'none' if closed first, 'timeout' at deadline."""
    data = b""
    while b"\r\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        s.settimeout(left)
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            return "timeout"
        except OSError:
            return "none"
        if not chunk:
            return "none" if not data else data.split(b" ")[1].decode(errors="replace")
        data += chunk
    parts = data.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode(errors="replace") if len(parts) > 1 else "bad"


def request(port, target=b"/search", extra=b""):
    t0 = time.monotonic()
    try:
        s = connect(port)
    except OSError:
        return "timeout" if time.monotonic() - t0 >= CAP - 1 else "refused", time.monotonic() - t0
    try:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n")
    except OSError:
        pass  # the server may close while we write; the status read below tells
    status = read_status(s, t0 + CAP)
    s.close()
    return status, time.monotonic() - t0


def idle(port, n):
    # Non-blocking connects, all at once: a server whose accept queue is full leaves the
    # rest in SYN retries, counted as not opened after 5 s.
    pending = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        pending.append(s)
    socks = []
    deadline = time.monotonic() + 5.0
    while pending and time.monotonic() < deadline:
        for s in ready(pending, select.POLLOUT, 0.2):
            pending.remove(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                socks.append(s)
            else:
                s.close()
    refused = n - len(socks)
    for s in pending:
        s.close()
    time.sleep(1.0)
    t_start = time.monotonic()
    status, secs = request(port)
    # How long the idle connections live: wait (up to the cap, from when they were opened)
    # for the first one the server closes.
    first_closed = "never"
    deadline = t_start - 1.0 + CAP
    while socks and time.monotonic() < deadline:
        readable = ready(socks, select.POLLIN, deadline - time.monotonic())
        closed = False
        for s in readable:
            try:
                if s.recv(1) == b"":
                    closed = True
            except OSError:
                closed = True
        if closed:
            first_closed = f"{time.monotonic() - t_start + 1.0:.1f}"
            break
        if not readable:
            break
    for s in socks:
        s.close()
    print(f"opened={len(socks)} not_opened={refused} fresh_status={status} "
          f"fresh_seconds={secs:.3f} idle_closed_after={first_closed}")


def slowloris(port):
    s = connect(port)
    head = b"GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    t0 = time.monotonic()
    for byte in head:
        try:
            s.sendall(bytes([byte]))
        except OSError:
            break
        if ready([s], select.POLLIN, 1.0):
            break
        if time.monotonic() - t0 > CAP:
            print(f"cut_after=never(>{CAP:.0f}s) status=none")
            return
    status = read_status(s, time.monotonic() + 2)
    print(f"cut_after={time.monotonic() - t0:.1f} status={status}")


def fairness(port, n, seconds):
    import threading

    counts = [0] * n
    deadline = time.monotonic() + seconds

    def client(i):
        try:
            s = connect(port)
            while time.monotonic() < deadline:
                s.sendall(b"GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                data = b""
                while b"\r\n\r\n" not in data:
                    s.settimeout(max(0.01, deadline - time.monotonic()))
                    chunk = s.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, rest = data.split(b"\r\n\r\n", 1)
                length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
                while len(rest) < length:
                    s.settimeout(max(0.01, deadline - time.monotonic()))
                    chunk = s.recv(65536)
                    if not chunk:
                        return
                    rest += chunk
                counts[i] += 1
        except (OSError, AttributeError):
            pass

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    served = sorted(c for c in counts if c > 0)
    print(f"clients={n} served={len(served)} min={served[0] if served else 0} "
          f"max={served[-1] if served else 0} responses={sum(counts)}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    what, port = sys.argv[1], int(sys.argv[2])
    if what == "idle":
        idle(port, int(sys.argv[3]) if len(sys.argv) > 3 else 1000)
    elif what == "slowloris":
        slowloris(port)
    elif what == "long-target":
        status, secs = request(port, b"/search?q=" + b"a" * 20000)
        print(f"status={status} seconds={secs:.3f}")
    elif what == "header-flood":
        extra = b"".join(b"X-Flood-%04d: %s\r\n" % (i, b"b" * 34) for i in range(2000))
        status, secs = request(port, extra=extra)
        print(f"status={status} seconds={secs:.3f}")
    elif what == "fairness":
        fairness(port, int(sys.argv[3]) if len(sys.argv) > 3 else 64,
                 float(sys.argv[4]) if len(sys.argv) > 4 else 5.0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
