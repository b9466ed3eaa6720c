"""What the tests' "VMs" (network namespaces) and outside hosts do on the network, as the command vm-net.

  vm-net serve PORT            answer each TCP connection with the address it came from, then echo
                               each line back (runs until killed)
  vm-net ask HOST PORT [FROM]  print the address HOST:PORT saw this connection come from; exit 1,
                               naming the error, when no answer comes within ASK_SECONDS. FROM:
                               the source address (one the namespace holds)
  vm-net hold HOST PORT LOG    keep one connection open, sending a line every 0.3 s and appending
                               each echo to LOG; append 'closed: <error>' when no echo comes
                               within HOLD_SECONDS
  vm-net echo HOST PORT BYTES  send one line of BYTES bytes (its newline included) and print how
                               many came back whole; exit 1, naming the error, without them
  vm-net get URL               print the body of an HTTP GET; exit 1 after ASK_SECONDS without one
"""

import socket
import socketserver
import sys
import time
import urllib.request

# Long enough that a busy test machine (several scenarios and a VM emulated side by side) never
# looks like a dropped connection; a dropped one costs a test no more than this.
ASK_SECONDS = 5
HOLD_SECONDS = 10


class _Echo(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(("%s\n" % self.client_address[0]).encode())
        for line in self.rfile:
            self.wfile.write(line)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def serve(port):
    with _Server(("0.0.0.0", int(port)), _Echo) as server:
        server.serve_forever()


def ask(host, port, source=None):
    try:
        with socket.create_connection((host, int(port)), timeout=ASK_SECONDS,
                                      source_address=(source, 0) if source else None) as connection:
            print(connection.makefile().readline().strip())
    except OSError as error:
        print("no answer: %s" % error)
        return 1
    return 0


def echo(host, port, size):
    line = b"x" * (int(size) - 1) + b"\n"
    try:
        with socket.create_connection((host, int(port)), timeout=ASK_SECONDS) as connection:
            stream = connection.makefile("rwb")
            stream.readline()
            stream.write(line)
            stream.flush()
            back = stream.readline()
    except OSError as error:
        print("no answer: %s" % error)
        return 1
    print(len(back) if back == line else "garbled: %d bytes" % len(back))
    return 0 if back == line else 1


def hold(host, port, log):
    with open(log, "a", buffering=1) as out:
        try:
            with socket.create_connection((host, int(port)), timeout=HOLD_SECONDS) as connection:
                lines = connection.makefile("rw")
                out.write("connected, seen as %s\n" % lines.readline().strip())
                number = 0
                while True:
                    number += 1
                    lines.write("echo %d\n" % number)
                    lines.flush()
                    out.write("%.1f %s\n" % (time.time(), lines.readline().strip()))
                    time.sleep(0.3)
        except OSError as error:
            out.write("closed: %s\n" % error)
    return 1


def get(url):
    try:
        print(urllib.request.urlopen(url, timeout=ASK_SECONDS).read().decode())
    except OSError as error:
        print("no answer: %s" % error)
        return 1
    return 0


if __name__ == "__main__":
    COMMANDS = {"serve": serve, "ask": ask, "echo": echo, "hold": hold, "get": get}
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
