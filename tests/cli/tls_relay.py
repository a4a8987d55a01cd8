"""TCP-to-TLS relay for tests/cli/listen_sip.test: Debian's SIPp is built
without TLS ("To use a TLS transport you must compile SIPp with OpenSSL"), so
SIPp speaks SIP over TCP to this relay, which carries each connection to the
listener over TLS 1.2 (SNI sip.trunkcheck.invalid, no validation).

  tls_relay.py LISTENER_PORT   → prints its own port, serves until killed
"""
import socket
import ssl
import sys
import threading

target = int(sys.argv[1])
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    for s in (source, sink):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(client):
    upstream = context.wrap_socket(socket.create_connection(("127.0.0.1", target)),
                                   server_hostname="sip.trunkcheck.invalid")
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
    pipe(client, upstream)


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(16)
print(server.getsockname()[1], flush=True)
while True:
    connection, _ = server.accept()
    threading.Thread(target=relay, args=(connection,), daemon=True).start()
