#!/usr/bin/python3
"""Black-box test of zpipe with CURVE from another language, written from docs/PROTOCOL.md
("CURVE") and the README ("On many hosts: CURVE") only.

Usage: python3 tests/protocol/python_curve_test.py --bin-dir build/dev/bin

Key pairs cross both ways: the servers' pair comes from `zpipe keygen` and is read with
pyzmq's zmq.auth.load_certificate; the producer's pair comes from pyzmq's
zmq.auth.create_certificates and is trusted by the servers from their --curve-trust directory.
A trusted pyzmq producer is served and its job is recorded with the worker's key name; an
untrusted one gets no answer, and a trusted subscriber sees events stamped with "key".
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_client_test import free_ports, main, packb  # noqa: E402

import zmq  # noqa: E402
import zmq.auth  # noqa: E402


def curve_socket(h, kind, endpoint, own_secret_file, server_public):
    public, secret = zmq.auth.load_certificate(own_secret_file)
    s = h.ctx.socket(kind)
    s.linger = 0
    s.curve_secretkey = secret
    s.curve_publickey = public
    s.curve_serverkey = server_public
    s.connect(endpoint)
    return s


def run(h, c):
    keys = os.path.join(h.tmp, "keys")
    trust = os.path.join(h.tmp, "trusted")
    os.makedirs(trust)
    zpipe = os.path.join(h.bin_dir, "zpipe")
    for name in ("server", "worker"):
        done = subprocess.run([zpipe, "keygen", name, "--dir", keys], capture_output=True)
        c.check(f"zpipe keygen {name}", done.returncode == 0, done.stderr.decode())
    shutil.copy(os.path.join(keys, "worker.key"), trust)
    # pyzmq writes NAME.key and NAME.key_secret in the same certificate format.
    py_public_file, py_secret_file = zmq.auth.create_certificates(keys, "pyproducer")
    os.chmod(py_secret_file, 0o600)
    shutil.copy(py_public_file, trust)
    os.makedirs(os.path.join(h.tmp, "other"))
    _, mallory_secret_file = zmq.auth.create_certificates(os.path.join(h.tmp, "other"), "mallory")
    server_public, _ = zmq.auth.load_certificate(os.path.join(keys, "server.key"))
    c.check("pyzmq reads zpipe's public key file", len(server_public) == 40)

    ports = free_ports(6)
    ep = {k: f"tcp://127.0.0.1:{p}" for k, p in
          zip(("submit", "jobs", "outcomes", "acks", "events_in", "events_out"), ports)}
    data = os.path.join(h.tmp, "data")
    server = ["--curve-secret", os.path.join(keys, "server.key_secret"), "--curve-trust", trust]
    h.spawn("zpipe-ventilator", ["--submit", ep["submit"], "--jobs", ep["jobs"], "--acks",
                                 ep["acks"], "--events-in", ep["events_in"], "--events-out",
                                 ep["events_out"], "--data-dir", data] + server)
    h.spawn("zpipe-sink", ["--outcomes", ep["outcomes"], "--acks-to", ep["acks"], "--events-to",
                           ep["events_in"], "--data-dir", data] + server)
    h.spawn("zpipe-worker", ["--jobs-from", ep["jobs"], "--outcomes-to", ep["outcomes"],
                             "--events-to", ep["events_in"], "--name", "w1",
                             "--curve-secret", os.path.join(keys, "worker.key_secret"),
                             "--curve-server-key", os.path.join(keys, "server.key")])
    if not h.wait_ready():
        return

    h.sub = curve_socket(h, zmq.SUB, ep["events_out"], py_secret_file, server_public)
    h.sub.setsockopt(zmq.SUBSCRIBE, b"")
    h.dealer = curve_socket(h, zmq.DEALER, ep["submit"], py_secret_file, server_public)
    h.pump_events(0.5)  # let the subscription reach the hub before the job's events

    reply = h.request(packb({"v": 2, "k": "submit", "req": 1,
                             "jobs": [{"type": "echo", "payload": {"from": "python"}}]}), 1)
    ok = c.check("trusted pyzmq producer: submit accepted", reply is not None
                 and reply.get("k") == "accepted" and len(reply.get("ids", [])) == 1, repr(reply))
    job_id = reply["ids"][0] if ok else None

    intruder = curve_socket(h, zmq.DEALER, ep["submit"], mallory_secret_file, server_public)
    # The refused handshake may end the connection before the send: libzmq then has nowhere to
    # queue it and a blocking send would wait for ever. Not sent is not answered either.
    intruder.sndtimeo = 1000
    try:
        intruder.send(packb({"v": 2, "k": "status_request", "req": 2}))
    except zmq.Again:
        pass
    c.check("untrusted pyzmq producer: no answer", intruder.poll(1500) == 0)
    intruder.close()

    row = None
    end = h.deadline(20)
    while job_id and row is None and time.monotonic() < end:
        h.pump_events(0.2)
        try:
            with sqlite3.connect(f"file:{os.path.join(data, 'outcomes.db')}?mode=ro",
                                 uri=True) as db:
                row = db.execute("select j.status, a.key from jobs j join attempts a "
                                 "on a.id = j.id where j.id = ?", (job_id,)).fetchone()
        except sqlite3.Error:
            pass
    c.check("the job is recorded, with the worker's key name", row == ("succeeded", "worker"),
            repr(row))
    h.pump_events(0.5)
    stamped = [b["fields"].get("key") for t, b, _ in h.events
               if b and b.get("name") == "job.succeeded" and b["fields"].get("job") == job_id]
    c.check("the job.succeeded event says which key sent it", stamped == ["worker"],
            repr(stamped))
    with open(h.logs["zpipe-ventilator"], "rb") as f:
        log = f.read().decode("utf-8", "replace")
    c.check("the ventilator logs the refused key with its address",
            "refused a connection from 127.0.0.1" in log, log[-600:])


if __name__ == "__main__":
    main(run, __doc__.split("\n")[0])
