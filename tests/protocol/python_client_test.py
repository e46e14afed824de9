#!/usr/bin/python3
"""Black-box test of the zpipe wire protocol, written from docs/PROTOCOL.md and the README
sections "Running the programs by hand" and "Reading results" only.

Usage: python3 tests/protocol/python_client_test.py --bin-dir build/dev/bin

Needs only the standard library plus Debian's python3-zmq and python3-msgpack.
Starts one zpipe-ventilator, zpipe-sink and zpipe-worker on free loopback ports, speaks the
protocol with pyzmq + msgpack, and checks replies, status counts, the sink's SQLite store and
the events. Prints one line per check and ends with "N passed, M failed".
"""

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

try:
    import msgpack
    import zmq
except ImportError as e:  # e.g. a pyenv python3 first on PATH; Debian's is /usr/bin/python3
    print(f"FAIL import: {e} (needs Debian's python3-zmq and python3-msgpack; "
          f"try /usr/bin/python3)")
    print("0 passed, 1 failed")
    sys.exit(1)

TOTAL_BUDGET_S = 45.0   # soft deadline for all steps; a hard alarm fires at 50 s
HARD_ALARM_S = 50
READY_TIMEOUT_S = 20.0
DONE_TIMEOUT_S = 30.0
REPLY_TIMEOUT_S = 5.0


class Timeout(Exception):
    pass


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Harness:
    def __init__(self, bin_dir, checks):
        self.bin_dir = bin_dir
        self.c = checks
        self.start = time.monotonic()
        self.tmp = tempfile.mkdtemp(prefix="zpipe-proto-")
        self.procs = {}
        self.logs = {}
        self.ctx = zmq.Context()
        self.events = []          # list of (topic bytes, decoded map or None, raw body)
        self.sub = None
        self.dealer = None

    # ---- time ----------------------------------------------------------------------------
    def deadline(self, seconds):
        return min(time.monotonic() + seconds, self.start + TOTAL_BUDGET_S)

    # ---- processes ----------------------------------------------------------------------
    def spawn(self, name, args):
        log_path = os.path.join(self.tmp, name + ".log")
        log = open(log_path, "wb")
        self.logs[name] = log_path
        exe = os.path.join(self.bin_dir, name)
        self.procs[name] = subprocess.Popen([exe] + args, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log, start_new_session=True)
        log.close()

    def wait_ready(self):
        end = self.deadline(READY_TIMEOUT_S)
        pending = set(self.procs)
        while pending and time.monotonic() < end:
            for name in list(pending):
                with open(self.logs[name], "rb") as f:
                    if b": ready" in f.read():
                        pending.discard(name)
                        continue
                if self.procs[name].poll() is not None:
                    break
            time.sleep(0.05)
        for name in self.procs:
            ok = name not in pending
            self.c.check(f"{name} logs ': ready'", ok,
                         "" if ok else f"exit={self.procs[name].poll()} log={self.tail(name)!r}")
        return not pending

    def tail(self, name, n=400):
        try:
            with open(self.logs[name], "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        end = time.monotonic() + 3.0
        for p in self.procs.values():
            try:
                p.wait(timeout=max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for name, p in self.procs.items():
            if p.poll() is None:
                print(f"note: {name} did not stop on SIGTERM within 3 s, killing", flush=True)
                try:
                    os.killpg(p.pid, signal.SIGKILL)  # its own session: children go too
                except ProcessLookupError:
                    pass
                p.wait()
        self.ctx.destroy(linger=0)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- sockets ------------------------------------------------------------------------
    def pump_events(self, timeout_s):
        """Read events for up to timeout_s (or until none is waiting if timeout_s is 0)."""
        end = time.monotonic() + timeout_s
        while True:
            left = max(0.0, end - time.monotonic())
            if not self.sub.poll(int(left * 1000)):
                return
            frames = self.sub.recv_multipart()
            body = None
            if len(frames) == 2:
                try:
                    body = msgpack.unpackb(frames[1], raw=False)
                except Exception:
                    body = None
            self.events.append((frames[0] if frames else b"", body, frames))
            if time.monotonic() >= end and timeout_s > 0:
                return

    def request(self, data, req, timeout_s=REPLY_TIMEOUT_S):
        """Send one frame on the DEALER and return the decoded reply whose req matches."""
        self.dealer.send(data)
        end = self.deadline(timeout_s)
        poller = zmq.Poller()
        poller.register(self.dealer, zmq.POLLIN)
        poller.register(self.sub, zmq.POLLIN)
        while time.monotonic() < end:
            ready = dict(poller.poll(int(max(0.0, end - time.monotonic()) * 1000)))
            if self.sub in ready:
                self.pump_events(0)
            if self.dealer in ready:
                frames = self.dealer.recv_multipart()
                if len(frames) != 1:
                    print(f"note: reply with {len(frames)} frames: {frames!r}", flush=True)
                reply = msgpack.unpackb(frames[-1], raw=False)
                if reply.get("req") == req:
                    return reply
                print(f"note: dropping reply to req {reply.get('req')}", flush=True)
        return None


def note(text):
    print(f"NOTE {text}", flush=True)


def packb(obj):
    return msgpack.packb(obj, use_bin_type=True)


def run(h, c):
    ports = free_ports(6)
    ep = {k: f"tcp://127.0.0.1:{p}" for k, p in
          zip(["submit", "jobs", "outcomes", "acks", "events_in", "events_out"], ports)}
    data_dir = os.path.join(h.tmp, "data")
    os.mkdir(data_dir)

    # One attempt per job: the failures below are final at once (retries have their own tests).
    h.spawn("zpipe-ventilator", ["--data-dir", data_dir, "--max-attempts", "1",
                                 "--submit", ep["submit"], "--jobs", ep["jobs"],
                                 "--acks", ep["acks"], "--events-in", ep["events_in"],
                                 "--events-out", ep["events_out"],
                                 "--outcomes-to", ep["outcomes"]])
    h.spawn("zpipe-sink", ["--outcomes", ep["outcomes"], "--acks-to", ep["acks"],
                           "--events-to", ep["events_in"], "--data-dir", data_dir])
    h.spawn("zpipe-worker", ["--jobs-from", ep["jobs"], "--outcomes-to", ep["outcomes"],
                             "--events-to", ep["events_in"]])
    if not h.wait_ready():
        return

    # 1. join the event hub (all topics) and wait for a first event
    h.sub = h.ctx.socket(zmq.SUB)
    h.sub.setsockopt(zmq.LINGER, 0)
    h.sub.setsockopt(zmq.SUBSCRIBE, b"")
    h.sub.connect(ep["events_out"])
    end = h.deadline(5.0)
    while not h.events and time.monotonic() < end:
        h.pump_events(min(0.2, max(0.0, end - time.monotonic())))
    if not c.check("event hub: an event arrives after subscribing", bool(h.events)):
        return

    h.dealer = h.ctx.socket(zmq.DEALER)
    h.dealer.setsockopt(zmq.LINGER, 0)
    h.dealer.connect(ep["submit"])

    # 2. submit a batch
    echo_payloads = [{"msg": "hi"}, "plain string", 42, [1, "two", {"three": 3.5}], None,
                     {"nested": {"list": [True, False], "u": "h\u00e9llo"}}]
    fail_message = "deliberate failure 7f3a"
    exec_argv = ["sh", "-c", "echo out; exit 3"]
    jobs = [{"type": "echo", "payload": p} for p in echo_payloads]
    jobs.append({"type": "fail", "payload": {"message": fail_message}})
    jobs.append({"type": "exec", "payload": {"argv": exec_argv}})
    jobs.append({"type": "no-such-type-zz", "payload": {"x": 1}})
    reply = h.request(packb({"v": 2, "k": "submit", "req": 101, "jobs": jobs}), 101)
    if not c.check("submit: got a reply", reply is not None):
        return
    ok = (reply.get("v") == 2 and reply.get("k") == "accepted" and reply.get("req") == 101
          and isinstance(reply.get("ids"), list) and len(reply["ids"]) == len(jobs)
          and all(isinstance(i, str) and i for i in reply["ids"])
          and len(set(reply["ids"])) == len(jobs))
    if not c.check("submit: accepted, same req, one distinct id per job", ok, repr(reply)):
        return
    ids = reply["ids"]
    echo_ids = ids[:len(echo_payloads)]
    fail_id, exec_id, unknown_id = ids[len(echo_payloads):]
    expected_type = dict(zip(ids, [j["type"] for j in jobs]))

    # 3. bad requests
    reply = h.request(b"\xc1\xc1\xc1", 0)
    c.check("not msgpack: refused, req 0, code malformed",
            reply is not None and reply.get("v") == 2 and reply.get("k") == "refused"
            and reply.get("req") == 0 and reply.get("code") == "malformed"
            and isinstance(reply.get("message"), str), repr(reply))
    reply = h.request(packb({"v": 2, "k": "submit", "req": 102, "jobs": []}), 102)
    c.check("empty jobs: refused, same req, code invalid",
            reply is not None and reply.get("v") == 2 and reply.get("k") == "refused"
            and reply.get("req") == 102 and reply.get("code") == "invalid"
            and isinstance(reply.get("message"), str), repr(reply))

    # PROTOCOL.md: a refusal carries the request's req whenever the map holds one, whatever
    # else is wrong: here a value over a msgpack limit (ext values are not allowed at all).
    over_limit = {"v": 2, "k": "submit", "req": 103,
                  "jobs": [{"type": "echo", "payload": msgpack.ExtType(5, b"x" * 16)}]}
    reply = h.request(packb(over_limit), 103)
    c.check("over a msgpack limit (an ext value): refused, same req, code too_large",
            reply is not None and reply.get("k") == "refused" and reply.get("req") == 103
            and reply.get("code") == "too_large", repr(reply))

    # PROTOCOL.md, "Publishing events of your own": an XPUB that waits for the hub's
    # subscription before its first send loses none of its events.
    pub = h.ctx.socket(zmq.XPUB)
    pub.setsockopt(zmq.LINGER, 0)
    pub.connect(ep["events_in"])
    subscribed = bool(pub.poll(5000)) and pub.recv()[:1] == b"\x01"
    own_source = f"python-client {socket.gethostname()}:{os.getpid()}"
    pub.send_multipart([b"custom.first", packb({
        "v": 2, "k": "event", "name": "custom.first", "source": own_source, "seq": 1,
        "time_ms": int(time.time() * 1000), "fields": {"n": "1"}})])

    def own_event_seen():
        return any(b is not None and b.get("source") == own_source for _, b, _ in h.events)
    end = h.deadline(3.0)
    while not own_event_seen() and time.monotonic() < end:
        h.pump_events(0.1)
    c.check("own publisher: the hub's subscription arrives on an XPUB as the byte 01",
            subscribed)
    c.check("own publisher: its very first event reaches subscribers", own_event_seen())
    pub.close()

    # 4. status until done
    counts = None
    end = h.deadline(DONE_TIMEOUT_S)
    req = 200
    while time.monotonic() < end:
        req += 1
        reply = h.request(packb({"v": 2, "k": "status_request", "req": req}), req,
                          timeout_s=min(REPLY_TIMEOUT_S, max(0.1, end - time.monotonic())))
        if reply is not None and reply.get("k") == "status":
            counts = reply
            # PROTOCOL.md: a job goes only to a worker that handles its type; the one of a type
            # no worker handles waits, and the status names its type.
            if (reply.get("accepted") == len(jobs) and reply.get("pending") == 1
                    and reply.get("in_flight") == 0
                    and reply.get("succeeded", 0) + reply.get("dead", 0) == len(jobs) - 1):
                break
        h.pump_events(0.1)
    if not c.check("status: every job of a handled type finished within 30 s, the other waits",
                   counts is not None and counts.get("pending") == 1
                   and counts.get("in_flight") == 0 and counts.get("accepted") == len(jobs),
                   repr(counts)):
        return
    c.check("status: types_without_workers names the type nobody handles",
            counts.get("types_without_workers") == ["no-such-type-zz"], repr(counts))
    # Cancel it: recorded at the sink as cancelled by the ventilator.
    reply = h.request(packb({"v": 2, "k": "cancel", "req": 300, "ids": [unknown_id],
                             "by": "python"}), 300)
    c.check("cancel: cancel_reply says the waiting job is cancelled",
            reply is not None and reply.get("k") == "cancel_reply" and reply.get("req") == 300
            and reply.get("jobs") == [{"id": unknown_id, "result": "cancelled"}], repr(reply))
    end = h.deadline(DONE_TIMEOUT_S)
    while time.monotonic() < end:
        req += 1
        reply = h.request(packb({"v": 2, "k": "status_request", "req": req}), req)
        if reply is not None and reply.get("k") == "status" and reply.get("cancelled") == 1 \
                and reply.get("in_flight") == 0:
            counts = reply
            break
        time.sleep(0.05)
    c.check("status: the cancelled job is over", counts.get("cancelled") == 1
            and counts.get("pending") == 0 and counts.get("in_flight") == 0, repr(counts))
    keys = ["accepted", "pending", "in_flight", "retrying", "succeeded", "failed", "dead"]
    c.check("status: v 1, every count present and an unsigned int",
            counts.get("v") == 2 and all(isinstance(counts.get(k), int) and counts[k] >= 0
                                         for k in keys), repr(counts))
    n_failed_jobs = 2
    c.check(f"status: succeeded == {len(echo_ids)}", counts.get("succeeded") == len(echo_ids),
            repr(counts))
    c.check(f"status: failed (attempts) == {n_failed_jobs}",
            counts.get("failed") == n_failed_jobs, repr(counts))
    # PROTOCOL.md: with one attempt allowed, each failed job is dead at once.
    c.check(f"status: dead == {n_failed_jobs}, retrying == 0",
            counts.get("dead") == n_failed_jobs and counts.get("retrying") == 0, repr(counts))

    # 5. outcomes from the sink's store
    db_path = os.path.join(data_dir, "outcomes.db")
    if not c.check("store: DATA_DIR/outcomes.db exists", os.path.exists(db_path), db_path):
        return
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    con.row_factory = sqlite3.Row
    rows = {}
    dup = []
    for r in con.execute("select * from jobs"):
        if r["id"] in rows:
            dup.append(r["id"])
        rows[r["id"]] = dict(r)
    con.close()
    c.check("store: every id recorded exactly once, nothing else",
            not dup and sorted(rows) == sorted(ids), f"rows={sorted(rows)} ids={sorted(ids)}")

    def row_ok(i, status, code):
        r = rows.get(i)
        if r is None:
            return False, "missing"
        ok = (r["type"] == expected_type[i] and r["status"] == status
              and r["error_code"] == code and r["attempt"] == 1 and r["max_attempts"] == 1
              and r["worker"] != "" and 0 < r["created_ms"] <= r["started_ms"]
              <= r["finished_ms"] <= r["recorded_ms"])
        return ok, repr(r)

    for i, p in zip(echo_ids, echo_payloads):
        ok, detail = row_ok(i, "succeeded", "")
        try:
            result = json.loads(rows[i]["result"]) if i in rows else object()
        except ValueError:
            result = object()
        ok = ok and rows[i]["error"] == "" and result == p
        c.check(f"store: echo {i} succeeded, result == payload {p!r}", ok, detail)

    ok, detail = row_ok(fail_id, "failed", "handler_error")
    c.check("store: fail job failed, handler_error, error carries the message",
            ok and fail_message in rows[fail_id]["error"], detail)

    ok, detail = row_ok(exec_id, "failed", "exec_failed")
    result = None
    if exec_id in rows:
        try:
            result = json.loads(rows[exec_id]["result"])
        except ValueError:
            pass
    c.check("store: exec job failed, exec_failed, error non-empty", ok and
            rows[exec_id]["error"] != "", detail)
    c.check("store: exec result has stdout 'out\\n' and exit status 3",
            isinstance(result, dict) and result.get("stdout") == "out\n"
            and 3 in [v for v in result.values() if isinstance(v, int)
                      and not isinstance(v, bool)], repr(result))

    r = rows.get(unknown_id, {})
    c.check("store: the job nobody handled is recorded cancelled, by python, by the ventilator",
            r.get("status") == "cancelled" and r.get("error_code") == "cancelled"
            and r.get("error") == "cancelled by python" and r.get("worker") == "ventilator",
            repr(r))

    # 6. events
    h.pump_events(1.2)
    evs = h.events
    decoded = [(t, b) for t, b, _ in evs if b is not None]
    c.check("events: every event is two frames, a topic and a msgpack map",
            all(len(f) == 2 for _, _, f in evs) and len(decoded) == len(evs))
    c.check("events: v 1, k 'event', topic frame == name",
            all(b.get("v") == 2 and b.get("k") == "event" and t == b.get("name", "").encode()
                for t, b in decoded),
            repr([(t, b.get("name")) for t, b in decoded if t != b.get("name", "").encode()][:3]))
    c.check("events: fields is a map of strings to strings",
            all(isinstance(b.get("fields"), dict) and all(isinstance(k, str) and
                isinstance(v, str) for k, v in b["fields"].items()) for _, b in decoded))
    last, bad = {}, []
    for _, b in decoded:
        src, seq = b.get("source"), b.get("seq")
        if not isinstance(seq, int) or (src in last and seq <= last[src]):
            bad.append((src, last.get(src), seq))
        last[src] = seq
    c.check(f"events: seq strictly increases per source ({len(last)} sources)", not bad,
            repr(bad[:3]))

    def by_name(name):
        out = {}
        for _, b in decoded:
            if b.get("name") == name:
                out.setdefault(b["fields"].get("job"), []).append(b)
        return out

    acc, sta, suc, fai = (by_name(n) for n in
                          ("job.accepted", "job.started", "job.succeeded", "job.failed"))
    c.check("events: job.accepted for every id, with its type",
            all(i in acc and acc[i][0]["fields"].get("type") == expected_type[i] for i in ids),
            repr([i for i in ids if i not in acc]))
    c.check("events: job.started for every id, with type and attempt 1",
            all(i in sta and sta[i][0]["fields"].get("type") == expected_type[i]
                and sta[i][0]["fields"].get("attempt") == "1" for i in ids if i != unknown_id),
            repr([i for i in ids if i not in sta]))
    c.check("events: job.succeeded for every echo id, with attempt and ms",
            all(i in suc and suc[i][0]["fields"].get("attempt") == "1"
                and "ms" in suc[i][0]["fields"] for i in echo_ids),
            repr([i for i in echo_ids if i not in suc]))
    want = {fail_id: "handler_error", exec_id: "exec_failed"}
    c.check("events: job.failed for fail and exec jobs, code as in the store",
            all(i in fai and fai[i][0]["fields"].get("code") == code
                and "error" in fai[i][0]["fields"] for i, code in want.items()),
            repr({i: [e["fields"] for e in fai.get(i, [])] for i in want}))
    c.check("events: no job.succeeded for failed jobs, no job.failed for echo jobs",
            not any(i in suc for i in want) and not any(i in fai for i in echo_ids))
    refused = [b for _, b in decoded if b.get("name") == "input.refused"]
    c.check("events: input.refused for the non-msgpack request (socket submit, code malformed)",
            any(b["fields"].get("code") == "malformed" and b["fields"].get("socket") == "submit"
                and b["fields"].get("error") for b in refused),
            repr([b["fields"] for b in refused]))
    # PROTOCOL.md, "Errors and limits": a program that receives a bad message "logs the reason
    # ... and publishes an input.refused event". An earlier build refused the empty submit with
    # `invalid` but published nothing for it; reported if seen again, not counted as a check.
    if not any(b["fields"].get("code") == "invalid" for b in refused):
        note("no input.refused event (and no log line) for the empty submit refused as 'invalid'")


def main(run_checks=None, description=None):
    """Runs `run_checks(harness, checks)` (this file's `run` by default) against the programs in
    --bin-dir, within the hard time limit; reports, cleans up and exits 0 only if all passed."""
    run_checks = run_checks or run
    ap = argparse.ArgumentParser(description=description or __doc__.split("\n")[0])
    ap.add_argument("--bin-dir", required=True)
    args = ap.parse_args()

    def on_alarm(signum, frame):
        raise Timeout(f"hard time limit of {HARD_ALARM_S} s reached")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(HARD_ALARM_S)

    c = Checks()
    h = Harness(os.path.abspath(args.bin_dir), c)
    try:
        run_checks(h, c)
    except Timeout as e:
        c.check("finished within the time limit", False, str(e))
    except Exception as e:  # report, then still clean up
        c.check("no unexpected exception", False, f"{type(e).__name__}: {e}")
    finally:
        signal.alarm(0)
        if c.failed:
            for name in h.procs:
                print(f"--- {name} log tail:\n{h.tail(name, 1500)}", flush=True)
        signal.alarm(5)
        try:
            h.stop()
        except Timeout:
            for p in h.procs.values():
                if p.poll() is None:
                    try:
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            shutil.rmtree(h.tmp, ignore_errors=True)
        finally:
            signal.alarm(0)
    print(f"{c.passed} passed, {c.failed} failed", flush=True)
    sys.exit(0 if c.failed == 0 else 1)


if __name__ == "__main__":
    main()
