#!/usr/bin/env python3
"""Writes a pcap of one outbound TLS 1.2 handshake whose every string is hostile:
the server certificate's subject and the SNI carry <script>, quotes and
ampersands. The endpoint asks for a client certificate, the platform sends an
empty one, the endpoint answers alert 116 (certificate_required).

usage: make_hostile_capture.py CERT.der OUT.pcap [CONNECTIONS [SERVERS]]
  CONNECTIONS copies of the handshake (default 1), spread over SERVERS
  endpoint addresses 203.0.113.x (default 1).
"""
import struct
import sys

der = open(sys.argv[1], "rb").read()
out = sys.argv[2]
connections = int(sys.argv[3]) if len(sys.argv) > 3 else 1
servers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
client_ip, server_ip = bytes([198, 51, 100, 10]), bytes([203, 0, 113, 5])
cport, sport = 40123, 5061


def u16(n): return struct.pack("!H", n)
def u24(n): return struct.pack("!I", n)[1:]
def handshake(kind, body): return bytes([kind]) + u24(len(body)) + body
def record(ctype, body): return bytes([ctype]) + b"\x03\x03" + u16(len(body)) + body


sni = b'sbc"><script>alert(1)</script>&.example.com'
server_name = b"\x00" + u16(len(sni)) + sni
sni_ext = u16(0) + u16(len(server_name) + 2) + u16(len(server_name)) + server_name
suites = [0xC02F, 0xC030, 0xC028, 0x003D]
client_hello = handshake(1, b"\x03\x03" + bytes(32) + b"\x00" + u16(2 * len(suites)) +
                         b"".join(u16(s) for s in suites) + b"\x01\x00" + u16(len(sni_ext)) + sni_ext)
server_hello = handshake(2, b"\x03\x03" + bytes(range(32)) + b"\x00" + u16(0x003D) + b"\x00")
certificate = handshake(11, u24(len(der) + 3) + u24(len(der)) + der)
certificate_request = handshake(13, b"\x01\x01" + u16(2) + b"\x04\x01" + u16(0))
server_hello_done = handshake(14, b"")
client_certificate = handshake(11, u24(0))
alert = record(21, b"\x02\x74")  # fatal certificate_required

flows = [
    ("c", record(22, client_hello)),
    ("s", record(22, server_hello + certificate + certificate_request + server_hello_done)),
    ("c", record(22, client_certificate)),
    ("s", alert),
]


def tcp_packet(from_client, flags, seq, ack, payload=b""):
    src, dst = (client_ip, server_ip) if from_client else (server_ip, client_ip)
    sp, dp = (cport, sport) if from_client else (sport, cport)
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, src, dst)
    return b"\x00" * 12 + b"\x08\x00" + ip + tcp


packets = []
for n in range(connections):
    cport = 20000 + n % 40000
    server_ip = bytes([203, 0, 113, 5 + n % servers])
    packets += [tcp_packet(True, 0x02, 1000, 0), tcp_packet(False, 0x12, 5000, 1001), tcp_packet(True, 0x10, 1001, 5001)]
    seq = {"c": 1001, "s": 5001}
    for side, data in flows:
        for at in range(0, len(data), 1400):
            chunk = data[at:at + 1400]
            other = "s" if side == "c" else "c"
            packets.append(tcp_packet(side == "c", 0x18, seq[side], seq[other], chunk))
            seq[side] += len(chunk)
    packets.append(tcp_packet(False, 0x11, seq["s"], seq["c"]))
    packets.append(tcp_packet(True, 0x11, seq["c"], seq["s"] + 1))
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(packets):
        f.write(struct.pack("<IIII", 1775000000 + i // 1000, (i % 1000) * 1000, len(p), len(p)) + p)
