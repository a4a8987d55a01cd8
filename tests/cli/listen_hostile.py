"""Hostile clients for tests/cli/listen_hostile.test.

  listen_hostile.py PORT garbage|sslv2|midway|trickle|endless|reset|flood N
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
elif mode in ("trickle", "reset"):
    # A TLS 1.2 ClientHello (suites c02f/c030, x25519/P-256, RSA signatures).
    def ext(kind, data):
        return kind.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data
    extensions = (ext(10, bytes.fromhex("0004001d0017")) + ext(11, bytes.fromhex("0100")) +
                  ext(13, bytes.fromhex("000408040401")) + ext(0xff01, b"\x00"))
    body = (bytes.fromhex("0303") + bytes(32) + b"\x00" + bytes.fromhex("0004c02fc030") + b"\x01\x00" +
            len(extensions).to_bytes(2, "big") + extensions)
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    hello = b"\x16\x03\x01" + len(handshake).to_bytes(2, "big") + handshake
    s = connect()
    if mode == "trickle":
        # One byte every half second: the handshake timeout must cut it off.
        try:
            for byte in hello:
                s.send(bytes([byte]))
                time.sleep(0.5)
        except OSError:
            pass
    else:
        # Read the ServerHello, then reset the connection (RST, not FIN).
        import struct
        s.sendall(hello)
        s.settimeout(5)
        try:
            s.recv(5)
        except OSError:
            pass
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
elif mode == "endless":
    # A ClientHello claiming 16 MB, fed 16 KiB records until the listener hangs up.
    s = connect()
    try:
        s.sendall(b"\x16\x03\x01\x40\x00" + b"\x01\xff\xff\xff" + bytes(16384 - 4))
        for _ in range(2000):
            s.sendall(b"\x16\x03\x01\x40\x00" + bytes(16384))
    except OSError:
        pass
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
