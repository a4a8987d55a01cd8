#!/usr/bin/env bash
# Regenerates the demo captures with the live-peer harness (tests/peers/lib.sh):
# Kamailio as the customer endpoint (TLS server), openssl s_client as the
# platform calling out (TLS client), tcpdump on loopback. The captures are then
# rewritten to documentation addresses and the SIP TLS port:
#   platform (client) 198.51.100.10, endpoint (server) 203.0.113.5:5061
# so they read like an SBC's capture (checksums recomputed). Certificates are
# made in a temp dir by `tc_make_certs peers --fixed-dates` (valid 2026-01-01 ..
# 2027-01-31; private keys never leave the temp dir); root-ca.pem here is their
# root, for --trust.
#
#   demo/captures/make-captures.sh [path/to/tc_make_certs]
#
# Needs kamailio (+ tls module), tcpdump (capture rights on lo), openssl, tshark.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
make_certs=${1:-${MAKE_CERTS:-}}
if [[ -z "$make_certs" ]]; then
  for candidate in "$root"/build/tests/tools/tc_make_certs "$root"/build-*/tests/tools/tc_make_certs; do
    [[ -x "$candidate" ]] && { make_certs=$candidate; break; }
  done
fi
[[ -x "$make_certs" ]] || { echo "make-captures: build tc_make_certs first (ninja -C build tc_make_certs) or pass its path" >&2; exit 1; }

source "$root/tests/peers/lib.sh"
peers_have_kamailio || { echo "make-captures: kamailio with its tls module is needed" >&2; exit 1; }
peers_init "$make_certs" --fixed-dates

# rewrite IN OUT PORT: loopback addresses and the ephemeral server port to the
# documentation addresses and 5061; IPv4 and TCP checksums recomputed.
rewrite() {
  python3 - "$1" "$2" "$3" <<'EOF'
import socket, struct, sys

src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
CLIENT, SERVER = socket.inet_aton("198.51.100.10"), socket.inet_aton("203.0.113.5")

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF

raw = open(src, "rb").read()
magic = raw[:4]
endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
linktype = struct.unpack(endian + "I", raw[20:24])[0]
if linktype != 1:
    sys.exit("make-captures: expected Ethernet (DLT 1) from tcpdump -i lo, got %d" % linktype)
out, offset = [raw[:24]], 24
while offset + 16 <= len(raw):
    ts_sec, ts_frac, incl, orig = struct.unpack(endian + "IIII", raw[offset:offset + 16])
    frame = bytearray(raw[offset + 16:offset + 16 + incl])
    offset += 16 + incl
    if len(frame) >= 34 and frame[12:14] == b"\x08\x00" and frame[23] == 6:
        ihl = (frame[14] & 0x0F) * 4
        ip = 14
        tcp = ip + ihl
        sport, dport = struct.unpack("!HH", frame[tcp:tcp + 4])
        to_server = dport == port
        frame[ip + 12:ip + 16] = SERVER if not to_server else CLIENT
        frame[ip + 16:ip + 20] = SERVER if to_server else CLIENT
        if to_server:
            frame[tcp + 2:tcp + 4] = struct.pack("!H", 5061)
        else:
            frame[tcp:tcp + 2] = struct.pack("!H", 5061)
        frame[ip + 10:ip + 12] = b"\0\0"
        frame[ip + 10:ip + 12] = struct.pack("!H", checksum(bytes(frame[ip:ip + ihl])))
        total_length = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
        segment = frame[tcp:ip + total_length]
        segment[16:18] = b"\0\0"
        pseudo = bytes(frame[ip + 12:ip + 20]) + struct.pack("!BBH", 0, 6, len(segment))
        frame[tcp + 16:tcp + 18] = struct.pack("!H", checksum(pseudo + bytes(segment)))
        # Zero MAC addresses (they are zero on lo already).
        frame[0:12] = bytes(12)
    out.append(struct.pack(endian + "IIII", ts_sec, ts_frac, len(frame), orig) + bytes(frame))
open(dst, "wb").write(b"".join(out))
EOF
}

# check NAME EXPECTED-ALERTS EXPECTED-CIPHER: tshark's reading of the rewritten
# capture (now on port 5061, TLS by default).
check() {
  local file=$here/$1.pcap alerts cipher
  alerts=$(peers_tshark_alerts "$file" 5061)
  cipher=$(peers_tshark_cipher "$file" 5061)
  [[ "$alerts" == "$2" && "$cipher" == "$3" ]] ||
    { echo "make-captures: $1: tshark reads alerts '$alerts' cipher '$cipher', expected '$2' '$3'" >&2; exit 1; }
  local size
  size=$(stat -c %s "$file")
  ((size < 20000)) || { echo "make-captures: $1.pcap is $size bytes (limit 20 KB)" >&2; exit 1; }
  rm -f "$file".tshark*
  echo "$1.pcap: $size bytes, alerts [$alerts], cipher $cipher"
}

# Seed 000: the endpoint requires a client certificate and checks its purpose;
# the platform presents its server certificate (serverAuth only) → alert 43.
peers_kamailio_start eku verify=yes require=yes
port=$PEERS_PORT
peers_record outbound-eku-rejected openssl --cert client-server-only
rewrite "$PEERS_PCAP" "$here/outbound-eku-rejected.pcap" "$port"
check outbound-eku-rejected 43 0xc030

# Seed 002: the endpoint supports only TLS_RSA_WITH_AES_256_CBC_SHA256 (0x003d);
# the platform offers modern suites first and 0x003d last.
peers_kamailio_start cipher cipher=AES256-SHA256
port=$PEERS_PORT
peers_record outbound-deprecated-cipher openssl \
  --cipher "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:AES256-GCM-SHA384:AES256-SHA256"
rewrite "$PEERS_PCAP" "$here/outbound-deprecated-cipher.pcap" "$port"
check outbound-deprecated-cipher "" 0x003d
peers_kamailio_stop

cp "$PEERS_CERTS/root-ca.pem" "$here/root-ca.pem"
echo "judge with: trunkcheck pcap demo/captures/<name>.pcap --endpoint 203.0.113.5 --trust demo/captures/root-ca.pem --at $PEERS_AT"
