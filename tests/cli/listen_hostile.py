"""Hostile clients for tests/cli/listen_hostile.test.

  listen_hostile.py PORT garbage|sslv2|midway|flood N
"""
import resource
import socket
import sys
import time

port = int(sys.argv[1])
mode = sys.argv[2]


def connect():
    return socket.create_connection(("127.0.0.1", port), timeout=10)


if mode == "garbage":
    s = connect()
    s.sendall(b"\x00\xffGET / HTTP/1.1\r\nHost: x\r\n\r\n" + bytes(range(256)) * 4)
    s.settimeout(5)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
elif mode == "sslv2":
    # An SSLv2-format CLIENT-HELLO (RFC 6101 appendix E.2): 2-byte header with
    # the high bit set, msg type 1, version 3.1, three 3-byte cipher specs.
    body = bytes([1, 3, 1, 0, 9, 0, 0, 0, 16]) + bytes([0, 0, 0x35, 0, 0, 0x2f, 0, 0, 0x0a]) + bytes(range(16))
    s = connect()
    s.sendall(bytes([0x80 | (len(body) >> 8), len(body) & 0xff]) + body)
    s.settimeout(5)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
elif mode == "midway":
    # The first half of a TLS 1.2 ClientHello record, then a close.
    hello = bytes.fromhex("16030100c4010000c00303") + bytes(32) + bytes([0, 0, 4, 0xc0, 0x2f, 0, 0xff, 1, 0])
    s = connect()
    s.sendall(hello[:30])
    time.sleep(0.2)
    s.close()
elif mode == "flood":
    # N connections that say nothing; held until stdin closes.
    n = int(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    held = []
    for _ in range(n):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        except OSError as error:
            print("connect failed after %d: %s" % (len(held), error), flush=True)
            break
    print("holding %d" % len(held), flush=True)
    sys.stdin.read()
    for s in held:
        s.close()
