#!/usr/bin/python3
"""The web interface in a real browser against a real pipeline (issue 19, "Done when").

Usage: /usr/bin/python3 tests/web/web_ui_test.py --bin-dir build/ci/bin [unittest options]

Starts `zpipe up --workers 2 --web ...` on free loopback ports, drives Debian's headless
Chromium through chromedriver with Debian's python3-selenium, and checks what a person would:
the overview's counts move while jobs run and end equal to the sink's; Retry on a dead job
runs it again and its page shows it succeeded; Pause on a worker stops its dispatch and Resume
lets the jobs run; an error text `<script>...` is shown as text and runs nothing; with
--token-file every page and API call is refused until the browser signs in. Along the way it
writes a screenshot of each page (1400x900) into $ZPIPE_SCREENSHOTS_DIR (default: the build
tree's web-screenshots/), for the README and the guide.

The page's hooks (ids and data- attributes) are the stable ones listed at the top of
web/assets/app.js. Every wait is on a condition, with a timeout sized for a loaded 2-core CI
machine; nothing sleeps for a fixed time. The pipeline is stopped with SIGINT at the end
whatever happens, and its process group killed if it does not stop.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

try:
    from selenium import webdriver
    from selenium.common.exceptions import (NoSuchElementException,
                                            StaleElementReferenceException,
                                            TimeoutException, WebDriverException)
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as error:
    print(f"FAIL: cannot import selenium ({error}): install Debian's python3-selenium "
          "(apt-get install python3-selenium; scripts/dev installs it) and run this with "
          "/usr/bin/python3", flush=True)
    sys.exit(1)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1400, 900

# Timeouts, for a 2-core CI machine that also builds: generous, but each one bounded.
START_S = 60.0        # zpipe up prints its web line and /healthz answers; workers connect
BROWSER_S = 60.0      # Chromium starts
PAGE_S = 30.0         # a page has painted its data (it polls every 2 to 5 s)
LIVE_S = 30.0         # the live feed says "live"
JOBS_S = 120.0        # a few hundred short jobs end and are recorded
ACTION_S = 30.0       # a button's action is answered and shows on the page
COMMAND_S = 30.0      # one zpipe command returns
STOP_S = 60.0         # zpipe up stops on SIGINT (workers finish first, --grace 2)
HARD_ALARM_S = 330    # the whole run, well below ctest's TIMEOUT (420): teardown runs

# The live-count check: enough jobs that the count is seen rising at least twice while they
# run (the page hears once a second), few enough to end quickly.
LIVE_JOBS = 300
LIVE_JOB_MS = 40

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = "<img src=x onerror=\"window.__xss=2\">"

IGNORED = (NoSuchElementException, StaleElementReferenceException)


class Alarm(Exception):
    pass


def on_alarm(signum, frame):
    raise Alarm(f"web_ui_test: signal {signum}: over the time budget ({HARD_ALARM_S} s) or "
                "stopped from outside; tearing down")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port_base(count=6):
    """A port P with P..P+count-1 all free (zpipe up binds six consecutive ports)."""
    for _ in range(100):
        base = free_port()
        if base + count <= 65535 and all(port_is_free(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"found no {count} consecutive free loopback ports in 100 tries")


def wait_for(condition, timeout, expected, describe=None, driver=None):
    """condition() until it returns something true; fails saying what was expected and seen."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=IGNORED).until(lambda _: condition())
    except TimeoutException:
        seen = ""
        if describe:
            try:
                seen = describe()
            except Exception as error:  # the description is for the message only
                seen = f"(could not describe: {error})"
        raise AssertionError(f"waited {timeout:.0f} s for {expected}" +
                             (f"; last seen: {seen}" if seen else "")) from None


def read_text(path):
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Http:
    """Plain HTTP to zpipe-web, redirects not followed (a 303 is an answer to check)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(Http.NoRedirect)

    def request(self, method, path, headers=None, body=None):
        """(status, headers, text) of one request."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=dict(headers or {}))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(req, timeout=COMMAND_S) as reply:
                # An event stream never ends: its status and headers are the answer.
                text = "" if path == "/api/events" else reply.read().decode("utf-8", "replace")
                return reply.status, reply.headers, text
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")

    def json(self, path, headers=None):
        status, _, text = self.request("GET", path, dict(headers or {}, Accept="application/json"))
        if status != 200:
            raise AssertionError(f"GET {path}: expected 200, got {status}: {text[:300]}")
        return json.loads(text)


class Pipeline:
    """`zpipe up --web` on free ports in a temporary folder, and the zpipe commands for it."""

    def __init__(self, bin_dir, tmp):
        self.bin_dir = bin_dir
        self.tmp = tmp
        self.data_dir = os.path.join(tmp, "data")
        self.proc = None
        self.extra = []  # other programs started (a second zpipe-web)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ZPIPE_")}
        self.env["NO_COLOR"] = "1"

    def zpipe(self):
        return os.path.join(self.bin_dir, "zpipe")

    def start(self, workers=2):
        for attempt in range(3):  # a port taken between our probe and its bind: new ports
            base, web_port = free_port_base(), free_port()
            if web_port in range(base, base + 6):
                continue
            self.submit_ep = f"tcp://127.0.0.1:{base}"
            self.events_ep = f"tcp://127.0.0.1:{base + 5}"
            self.env.update(ZPIPE_VENTILATOR=self.submit_ep, ZPIPE_EVENTS=self.events_ep,
                            ZPIPE_DATA_DIR=self.data_dir)
            self.out_path = os.path.join(self.tmp, f"up-{attempt}.out")
            self.err_path = os.path.join(self.tmp, f"up-{attempt}.err")
            argv = [self.zpipe(), "up", "--workers", str(workers), "--port-base", str(base),
                    "--data-dir", self.data_dir, "--web", f"127.0.0.1:{web_port}",
                    "--retry-delay", "1", "--grace", "2"]
            with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
                self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=err, env=self.env, start_new_session=True)
            try:
                line = wait_for(lambda: self.proc.poll() is not None or self.web_line(), START_S,
                                "zpipe up to print its 'web: http://...' line",
                                lambda: self.tail())
            except AssertionError:
                self.kill()
                raise
            if self.proc.poll() is not None:
                if "in use" in self.tail() and attempt < 2:
                    continue
                raise AssertionError(f"zpipe up exited with {self.proc.returncode}: {self.tail()}")
            self.web = line.split("web: ", 1)[1].strip().rstrip("/")
            break
        self.http = Http(self.web)
        wait_for(lambda: self.healthy(), START_S, f"{self.web}/healthz to answer 200",
                 lambda: self.tail())
        wait_for(lambda: len(self.workers()) == workers, START_S,
                 f"{workers} workers connected to the ventilator",
                 lambda: f"{self.workers()}; {self.tail()}")

    def web_line(self):
        for line in read_text(self.out_path).splitlines():
            if line.startswith("web: http://"):
                return line
        return None

    def healthy(self):
        try:
            return self.http.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def tail(self, n=1500):
        return ("stdout: " + read_text(self.out_path)[-n:] + "\nstderr: " +
                read_text(self.err_path)[-n:])

    def run(self, *args, stdin=None, check=True):
        """stdout of `zpipe ARGS`; fails with its stderr when it exits non-zero."""
        done = subprocess.run([self.zpipe(), *args], input=stdin, capture_output=True,
                              text=True, env=self.env, timeout=COMMAND_S)
        if check and done.returncode != 0:
            raise AssertionError(f"zpipe {' '.join(args)} exited {done.returncode}: "
                                 f"{done.stderr.strip()[:500]}")
        return done.stdout

    def run_json(self, *args):
        return json.loads(self.run(*args, "--json"))

    def submit(self, *args):
        """The id of one job: `zpipe submit ARGS`."""
        return self.run("submit", *args).strip().splitlines()[-1]

    def submit_jsonl(self, jobs):
        lines = "".join(json.dumps(job) + "\n" for job in jobs)
        ids = self.run("submit", "--jsonl", "-", stdin=lines).split()
        if len(ids) != len(jobs):
            raise AssertionError(f"zpipe submit --jsonl printed {len(ids)} ids for "
                                 f"{len(jobs)} jobs")
        return ids

    def status(self):
        return self.run_json("status")

    def workers(self):
        try:
            return self.run_json("workers").get("workers", [])
        except (AssertionError, ValueError, subprocess.TimeoutExpired):
            return []

    def job(self, job_id):
        """`/api/jobs/ID` (what `zpipe show ID --json` prints), None while nothing knows it."""
        status, _, text = self.http.request("GET", "/api/jobs/" + job_id,
                                            {"Accept": "application/json"})
        return json.loads(text) if status == 200 else None

    def job_state(self, job_id):
        """Where the job is: the ventilator's word (now.state), else the store's."""
        job = self.job(job_id) or {}
        now = job.get("now") or {}
        recorded = {"failed": "dead"}.get(job.get("status"), job.get("status"))
        return now.get("state") if now.get("state") not in (None, "unknown") else recorded

    def wait_state(self, job_id, states, timeout=JOBS_S):
        states = (states,) if isinstance(states, str) else tuple(states)
        return wait_for(lambda: self.job_state(job_id) in states and self.job_state(job_id),
                        timeout, f"job {job_id} to be {' or '.join(states)}",
                        lambda: json.dumps(self.job(job_id))[:600])

    def start_web(self, *args):
        """A second zpipe-web on this pipeline (`zpipe web ARGS`); its base URL."""
        out_path = os.path.join(self.tmp, f"web-{len(self.extra)}.out")
        err_path = os.path.join(self.tmp, f"web-{len(self.extra)}.err")
        argv = [self.zpipe(), "web", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                "--ventilator", self.submit_ep, "--events-from", self.events_ep, *args]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    env=self.env, start_new_session=True)
        self.extra.append(proc)

        def serving():
            for line in read_text(out_path).splitlines():
                if line.startswith("zpipe-web: serving http://"):
                    return line.split("serving ", 1)[1].strip().rstrip("/")
            return proc.poll() is not None and "exited"

        url = wait_for(serving, START_S, "zpipe web to print 'zpipe-web: serving http://...'",
                       lambda: read_text(out_path)[-500:] + read_text(err_path)[-1000:])
        if proc.poll() is not None:
            raise AssertionError(f"zpipe web exited {proc.returncode}: "
                                 f"{read_text(err_path)[-1000:]}")
        return url

    def stop(self):
        """SIGINT to every program started; the process group killed when one does not stop.
        Returns the problems seen (empty when everything stopped cleanly)."""
        problems = []
        for proc, name in [(p, "zpipe web") for p in self.extra] + [(self.proc, "zpipe up")]:
            if proc is None:
                continue
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGINT)
                except ProcessLookupError:
                    pass
            try:
                code = proc.wait(timeout=STOP_S)
                if code != 0:
                    problems.append(f"{name} exited {code} on SIGINT")
            except subprocess.TimeoutExpired:
                problems.append(f"{name} did not stop within {STOP_S:.0f} s of SIGINT: killed")
            # Whatever is left of its group (a program it started) goes too.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
                if proc.returncode is not None:
                    problems.append(f"{name} left processes of its group running: killed")
            except ProcessLookupError:
                pass
            if proc.returncode is None:
                proc.wait()
        return problems

    def kill(self):
        for proc in self.extra + [self.proc]:
            if proc is not None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()


def make_driver(tmp, name):
    if not os.path.exists(CHROMIUM):
        raise AssertionError(f"{CHROMIUM} is missing: install Debian's chromium "
                             "(apt-get install chromium; scripts/dev installs it)")
    if not os.path.exists(CHROMEDRIVER):
        raise AssertionError(f"{CHROMEDRIVER} is missing: install Debian's chromium-driver "
                             "(apt-get install chromium-driver; scripts/dev installs it)")
    options = Options()
    options.binary_location = CHROMIUM
    # As root in a container on CI: no sandbox, no GPU, /dev/shm is small.
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars", "--lang=en-US",
                 "--disable-extensions", "--no-first-run"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER,
                      log_path=os.path.join(tmp, f"chromedriver-{name}.log"))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        raise AssertionError(f"Chromium did not start through {CHROMEDRIVER}: {error.msg}; "
                             f"see {tmp}/chromedriver-{name}.log") from None
    driver.set_page_load_timeout(PAGE_S)
    driver.set_script_timeout(PAGE_S)
    # --window-size is the window's, its frame included: grow it so the page sees 1400x900,
    # the size of the screenshots.
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * WIDTH - inner[0], 2 * HEIGHT - inner[1])
    return driver


class WebUi(unittest.TestCase):
    bin_dir = None
    shots_dir = None
    pipeline = None
    driver = None
    retried_job = None  # test_2's job, asked for by test_5
    login_shot = False   # test_5 took the login page
    failed = False       # a test failed: keep the folder with the logs

    # ---- the pipeline and the browser, once for all tests -------------------------------

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="zpipe-web-ui-")
        os.makedirs(cls.shots_dir, exist_ok=True)
        cls.pipeline = Pipeline(cls.bin_dir, cls.tmp)
        try:
            cls.pipeline.start(workers=2)
            cls.driver = make_driver(cls.tmp, "main")
        except BaseException:
            cls.failed = True
            cls.tearDownClass()
            raise
        cls.base = cls.pipeline.web

    @classmethod
    def tearDownClass(cls):
        problems = []
        if cls.driver is not None:
            try:
                cls.driver.quit()
            except Exception as error:
                problems.append(f"the browser did not quit: {error}")
            cls.driver = None
        if cls.pipeline is not None:
            problems += cls.pipeline.stop()
            if problems or cls.failed:
                print("--- zpipe up, last output:\n" + cls.pipeline.tail(4000), file=sys.stderr)
        if cls.failed:
            print(f"--- kept {cls.tmp} for a look", file=sys.stderr)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)
        if problems:
            raise AssertionError("; ".join(problems))

    def run(self, result=None):
        # Keep the folder (logs, the chromedriver log) of a failed run.
        before = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            type(self).failed = True
        return outcome

    # ---- browser helpers ----------------------------------------------------------------

    @property
    def d(self):
        return self.driver

    def css(self, selector, root=None):
        return (root or self.d).find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector):
        return self.d.find_element(By.CSS_SELECTOR, selector)

    def attr(self, selector, name):
        found = self.css(selector)
        return found[0].get_attribute(name) if found else None

    def text(self, selector):
        found = self.css(selector)
        return found[0].text if found else None

    def main_state(self):
        return (f"page={self.attr('#main', 'data-page')} "
                f"loaded={self.attr('#main', 'data-loaded')} "
                f"url={self.d.current_url} flash={self.text('#flash')!r} "
                f"error={self.text('#load-error')!r}")

    def open(self, hash_path, page, base=None):
        """Goes to BASE/#HASH and waits until the page named `page` has painted its data."""
        self.d.get((base or self.base) + "/" + hash_path)
        wait_for(lambda: self.attr("#main", "data-page") == page and
                 self.attr("#main", "data-loaded") == "true", PAGE_S,
                 f"page {page} ({hash_path}) to paint its data", self.main_state)

    def wait_live(self):
        wait_for(lambda: self.attr("#conn", "data-state") == "live", LIVE_S,
                 "the live feed to say live (#conn[data-state=live])",
                 lambda: f"#conn {self.attr('#conn', 'data-state')} {self.text('#conn')!r}")

    def count(self, key, store=False):
        selector = f"[data-store-count={key}]" if store else f"[data-count={key}]"
        value = self.attr(selector, "data-value")
        return int(value) if value not in (None, "") else None

    def click(self, selector):
        element = wait_for(lambda: next((e for e in self.css(selector)
                                         if e.is_displayed() and e.is_enabled()), None),
                           ACTION_S, f"a button {selector} to click", self.main_state)
        element.click()

    def flash_ok(self, expected):
        wait_for(lambda: self.attr("#flash", "data-kind") and self.one("#flash").is_displayed(),
                 ACTION_S, f"the answer of {expected} (#flash)", self.main_state)
        self.assertEqual(self.attr("#flash", "data-kind"), "ok",
                         f"{expected} should be answered ok; the page says {self.text('#flash')!r}")

    def hide_flash(self):
        self.d.execute_script("const f = document.getElementById('flash'); if (f) f.hidden = true;")

    def xss_ran(self):
        return self.d.execute_script("return typeof window.__xss === 'undefined' ? null : "
                                     "String(window.__xss);")

    def js_errors(self):
        """Console errors that are not failed loads (those a test provokes on purpose)."""
        errors = []
        for entry in self.d.get_log("browser"):
            if entry.get("level") == "SEVERE" and "Failed to load resource" not in entry["message"]:
                errors.append(entry["message"][:300])
        return errors

    def shot(self, name):
        """Writes NAME.png: the window as it is, 1400x900."""
        self.hide_flash()
        self.d.execute_script("window.scrollTo(0, 0); if (document.activeElement) "
                              "document.activeElement.blur();")
        path = os.path.join(self.shots_dir, name + ".png")
        self.assertTrue(self.d.save_screenshot(path), f"the screenshot {path} was not written")
        return path

    # ---- the tests, in order (they share one pipeline) ----------------------------------

    def test_1_overview_counts_move_live_and_end_equal_to_the_sinks(self):
        self.open("#/", "overview")
        self.wait_live()
        wait_for(lambda: self.count("succeeded") is not None, PAGE_S,
                 "the overview's succeeded count to show a number", self.main_state)
        before = self.count("succeeded")
        target = before + LIVE_JOBS
        self.pipeline.submit_jsonl([{"type": "sleep", "payload": {"ms": LIVE_JOB_MS},
                                     "max_attempts": 1}] * LIVE_JOBS)
        seen = [before]

        def watch():
            value = self.count("succeeded")
            if value is not None and value != seen[-1]:
                seen.append(value)
            return value is not None and value >= target

        wait_for(watch, JOBS_S, f"the overview's succeeded count to reach {target}",
                 lambda: f"values seen {seen}")
        self.assertEqual(seen, sorted(seen), f"the succeeded count went back: {seen}")
        between = [v for v in seen if before < v < target]
        self.assertGreaterEqual(len(between), 2,
                                f"the succeeded count should be seen rising at least twice while "
                                f"the {LIVE_JOBS} jobs ran; it showed {seen}")
        self.assertEqual(seen[-1], target, f"the count went past the jobs submitted: {seen}")

        # At rest, the page's counts are the sink's: the ventilator's status and the store.
        def settled():
            status = self.pipeline.status()
            store = self.pipeline.http.json("/api/status")["store"]
            recorded = len(self.pipeline.run_json("results", "--status", "succeeded",
                                                  "--limit", "100000"))
            facts = (self.count("succeeded"), status["succeeded"], store["succeeded"], recorded,
                     self.count("succeeded", store=True))
            return len(set(facts)) == 1 and status["in_flight"] == 0 and facts

        facts = wait_for(settled, JOBS_S,
                         "the overview's succeeded count, the ventilator's (zpipe status), the "
                         "store's (/api/status) and the rows of zpipe results to agree",
                         lambda: f"page {self.count('succeeded')} / store on page "
                                 f"{self.count('succeeded', store=True)}; zpipe status "
                                 f"{self.pipeline.status()}")
        self.assertEqual(facts[0], target, f"the counts agree but not on {target}: {facts}")
        wait_for(lambda: int(self.attr("#throughput-chart", "data-seconds") or 0) > 0, PAGE_S,
                 "the chart to draw the seconds the jobs ran",
                 lambda: self.attr("#throughput-chart", "data-seconds"))
        self.assertEqual(self.js_errors(), [], "the overview logged script errors")

    def test_2_retry_on_a_dead_job_runs_it_again_and_it_succeeds(self):
        marker = os.path.join(self.tmp, "upstream-ready")
        script = (f"if [ -e '{marker}' ]; then echo 'upstream ready: report sent'; "
                  "else echo 'upstream not ready (no marker file yet)' >&2; exit 1; fi")
        job = self.pipeline.submit("exec", "--max-attempts", "1", "--", "sh", "-c", script)
        self.pipeline.wait_state(job, "dead")
        self.open(f"#/jobs/{job}", "job")
        wait_for(lambda: self.attr("#job", "data-state") == "dead", PAGE_S,
                 f"the page of job {job} to say dead",
                 lambda: f"#job state {self.attr('#job', 'data-state')}; {self.main_state()}")
        self.assertIn("upstream not ready", self.text("#job-output-stderr") or "",
                      "the dead job's stderr should be shown")
        self.assertEqual(self.css("[data-action=cancel]"), [], "a dead job offers no Cancel")

        with open(marker, "w"):
            pass
        self.click("#job [data-action=retry]")
        self.flash_ok("Retry")
        wait_for(lambda: self.attr("#job", "data-state") == "succeeded", JOBS_S,
                 f"the page of job {job} to show it succeeded after Retry",
                 lambda: f"#job state {self.attr('#job', 'data-state')}; {self.main_state()}")
        wait_for(lambda: "report sent" in (self.text("#job-output-stdout") or ""), PAGE_S,
                 "the retried job's stdout on its page",
                 lambda: self.text("#job-output-stdout"))
        self.assertEqual(self.css("#job [data-action=retry]"), [],
                         "a job that succeeded offers no Retry")
        self.assertEqual(self.pipeline.job_state(job), "succeeded",
                         "the API should agree that the retried job succeeded")
        type(self).retried_job = job

    def test_3_pause_on_a_worker_stops_its_dispatch_and_resume_lets_jobs_run(self):
        self.open("#/workers", "workers")
        rows = wait_for(lambda: len(self.css("tr[data-worker]")) == 2 and
                        self.css("tr[data-worker]"), PAGE_S, "two workers on the Workers page",
                        self.main_state)
        names = [row.get_attribute("data-worker") for row in rows]
        paused, other = names

        def ventilator_state(name):
            return next((w.get("state") for w in self.pipeline.workers() if w["name"] == name),
                        None)

        def row_state(name):
            return self.attr(f"tr[data-worker='{name}']", "data-state")

        self.click(f"tr[data-worker='{paused}'] [data-action=pause]")
        self.flash_ok(f"Pause of {paused}")
        wait_for(lambda: ventilator_state(paused) == "paused", ACTION_S,
                 f"zpipe workers --json to say {paused} is paused",
                 lambda: json.dumps(self.pipeline.workers()))
        wait_for(lambda: row_state(paused) == "paused", PAGE_S,
                 f"the Workers page to show {paused} paused", lambda: row_state(paused))

        # Jobs go to the other worker only.
        ids = self.pipeline.submit_jsonl([{"type": "echo", "payload": {"n": i}} for i in range(20)])
        for job in ids:
            self.pipeline.wait_state(job, "succeeded")
        ran_on = {self.pipeline.job(job)["worker"] for job in ids}
        self.assertEqual(ran_on, {other},
                         f"with {paused} paused every job should run on {other}; "
                         f"they ran on {ran_on}")

        # Both paused: jobs stay pending, on the ventilator and on their page.
        self.click(f"tr[data-worker='{other}'] [data-action=pause]")
        self.flash_ok(f"Pause of {other}")
        wait_for(lambda: ventilator_state(other) == "paused", ACTION_S,
                 f"zpipe workers --json to say {other} is paused",
                 lambda: json.dumps(self.pipeline.workers()))
        waiting = self.pipeline.submit_jsonl([{"type": "echo", "payload": {"waits": i}}
                                              for i in range(5)])
        status = self.pipeline.status()
        self.assertEqual((status["pending"], status["in_flight"]), (5, 0),
                         f"with both workers paused the 5 jobs just accepted should wait: {status}")
        self.open(f"#/jobs/{waiting[0]}", "job")
        wait_for(lambda: self.attr("#job", "data-state") == "pending", PAGE_S,
                 f"the page of {waiting[0]} to say pending while the workers are paused",
                 lambda: self.attr("#job", "data-state"))
        self.assertIn("waits for a worker", self.text("#job-now") or "")
        self.assertEqual(self.pipeline.status()["pending"], 5,
                         "the jobs should still wait after their page was shown")

        self.open("#/workers", "workers")
        for name in names:
            self.click(f"tr[data-worker='{name}'] [data-action=resume]")
            self.flash_ok(f"Resume of {name}")
        wait_for(lambda: all(ventilator_state(n) in ("idle", "busy") for n in names), ACTION_S,
                 "zpipe workers --json to say both workers take jobs again",
                 lambda: json.dumps(self.pipeline.workers()))
        wait_for(lambda: all(row_state(n) in ("idle", "busy") for n in names), PAGE_S,
                 "the Workers page to show both workers resumed",
                 lambda: [row_state(n) for n in names])
        self.open(f"#/jobs/{waiting[0]}", "job")
        wait_for(lambda: self.attr("#job", "data-state") == "succeeded", JOBS_S,
                 f"the page of {waiting[0]} to show it succeeded once the workers resumed",
                 lambda: self.attr("#job", "data-state"))
        for job in waiting:
            self.pipeline.wait_state(job, "succeeded")

    def test_4_an_error_text_with_markup_is_shown_as_text(self):
        script_job = self.pipeline.submit("fail", "--max-attempts", "1", "--payload",
                                          json.dumps({"message": XSS_SCRIPT}))
        img_job = self.pipeline.submit("exec", "--max-attempts", "1", "--", "sh", "-c",
                                       f"printf '%s\\n' '{XSS_IMG}' >&2; exit 1")
        self.pipeline.wait_state(script_job, "dead")
        self.pipeline.wait_state(img_job, "dead")

        def markup_in_main():
            return [e.tag_name for e in self.css("#main script, #main img, #main iframe, "
                                                 "#main object, #main embed")]

        self.open(f"#/jobs/{script_job}", "job")
        wait_for(lambda: self.text("#job-error") == XSS_SCRIPT, PAGE_S,
                 f"the error {XSS_SCRIPT} shown as text in #job-error",
                 lambda: repr(self.text("#job-error")))
        self.assertTrue(self.one("#job-error").is_displayed(), "the error text should be visible")
        self.assertEqual(markup_in_main(), [], "the error text made elements")
        wait_for(lambda: any(XSS_SCRIPT in row.text for row in self.css("tr[data-attempt-error]")),
                 PAGE_S, "the attempt's error as text", lambda: self.text("#attempts"))

        self.open(f"#/jobs/{img_job}", "job")
        wait_for(lambda: XSS_IMG in (self.text("#job-output-stderr") or ""), PAGE_S,
                 f"the stderr {XSS_IMG} shown as text", lambda: self.text("#job-output-stderr"))
        self.assertIn(XSS_IMG, self.text("#job-error") or "", "the exec error names its stderr")
        self.assertEqual(markup_in_main(), [], "the stderr text made elements")

        # Every list that shows errors: the overview's recent failures, dead jobs, jobs.
        self.open("#/", "overview")
        wait_for(lambda: XSS_SCRIPT in (self.text("#failures") or ""), PAGE_S,
                 "the overview's recent failures to show the error as text",
                 lambda: self.text("#failures"))
        self.open("#/dead", "dead")
        wait_for(lambda: XSS_SCRIPT in (self.text(f"tr[data-job-id='{script_job}']") or "") and
                 XSS_IMG in (self.text(f"tr[data-job-id='{img_job}']") or ""), PAGE_S,
                 "the dead jobs' rows to show both errors as text",
                 lambda: self.text("#dead"))
        self.open("#/jobs?status=dead", "jobs")
        wait_for(lambda: XSS_SCRIPT in (self.text("#jobs") or ""), PAGE_S,
                 "the jobs page to show the error as text", lambda: self.text("#jobs"))
        self.assertEqual(markup_in_main(), [], "an error text made elements in a list")
        self.assertIsNone(self.xss_ran(), "a script from an error text ran (window.__xss is set)")
        self.assertEqual(self.js_errors(), [], "the pages logged script errors")

    def test_5_with_a_token_every_page_and_call_is_refused_until_signed_in(self):
        token = "zpipe-web-ui-test-" + os.urandom(12).hex()
        token_file = os.path.join(self.tmp, "web.token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        os.chmod(token_file, stat.S_IRUSR | stat.S_IWUSR)
        base = self.pipeline.start_web("--token-file", token_file)
        http = Http(base)
        job = self.retried_job or self.pipeline.submit("echo", "--arg", "msg=hi")

        for path in ["/api/status", "/api/jobs", f"/api/jobs/{job}", "/api/workers",
                     "/api/queues", "/api/scheduled", "/api/schedules", "/api/batches",
                     "/api/metrics", "/api/events", "/metrics"]:
            status, _, text = http.request("GET", path)
            self.assertEqual(status, 401, f"GET {path} without the token: {status} {text[:200]}")
            self.assertIn("error", json.loads(text), f"GET {path}: the 401 should say why")
        for path in [f"/api/jobs/{job}/retry", "/api/dead/retry", "/api/workers/x/pause"]:
            status, _, text = http.request("POST", path, body={"all": True})
            self.assertEqual(status, 401, f"POST {path} without the token: {status} {text[:200]}")
        for path in ["/", "/index.html", "/no-such-page"]:
            status, headers, _ = http.request("GET", path)
            self.assertEqual((status, headers.get("Location")), (303, "/login"),
                             f"GET {path} without the token should be sent to /login")
        status, _, _ = http.request("GET", "/api/status",
                                    {"Authorization": "Bearer wrong-" + token})
        self.assertEqual(status, 401, "a wrong bearer token should be refused")
        status, _, text = http.request("GET", "/api/status", {"Authorization": "Bearer " + token})
        self.assertEqual(status, 200, f"the bearer token should be let in: {text[:200]}")
        self.assertTrue(json.loads(text)["web"]["token"],
                        "/api/status should say a token is needed")
        self.assertEqual(http.request("GET", "/healthz")[0], 200, "/healthz needs no token")

        # In a browser of its own (its own cookies): sent to /login, a wrong token said so.
        driver = make_driver(self.tmp, "token")
        main_driver, type(self).driver = self.driver, driver
        try:
            driver.get(base + "/#/workers")
            wait_for(lambda: driver.current_url.startswith(base + "/login"), PAGE_S,
                     "the browser to be sent to /login", lambda: driver.current_url)
            self.assertEqual(self.css("#main"), [], "nothing of the pipeline before signing in")
            wait_for(lambda: self.one("#token").is_displayed(), PAGE_S, "the token field")
            self.shot("login")
            type(self).login_shot = True
            self.one("#token").send_keys("not-the-token-at-all")
            self.one("#login-submit").click()
            wait_for(lambda: "error" in driver.current_url and
                     self.one("#login-error").is_displayed(), PAGE_S,
                     "the login page to say the token was wrong", lambda: driver.current_url)
            self.assertIn("not the token", self.text("#login-error"))
            status, _, _ = http.request("GET", "/api/status",
                                        {"Cookie": "; ".join(f"{c['name']}={c['value']}"
                                                             for c in driver.get_cookies())})
            self.assertEqual(status, 401, "a wrong token should give no session")

            self.one("#token").send_keys(token)
            self.one("#login-submit").click()
            # Back on the page it asked for, with its data.
            wait_for(lambda: self.attr("#main", "data-page") == "workers" and
                     self.attr("#main", "data-loaded") == "true", PAGE_S,
                     "the Workers page after signing in", self.main_state)
            wait_for(lambda: len(self.css("tr[data-worker]")) == 2, PAGE_S,
                     "the two workers after signing in", self.main_state)
            session = driver.get_cookie("zpipe_session")
            self.assertIsNotNone(session, "signing in should set the zpipe_session cookie")
            self.assertTrue(session.get("httpOnly"), f"the session cookie is HttpOnly: {session}")
            self.assertEqual(session.get("sameSite"), "Strict", f"SameSite=Strict: {session}")
            self.assertNotIn("zpipe_session", driver.execute_script("return document.cookie"),
                             "a script should not read the session cookie")
            self.open("#/jobs", "jobs", base=base)
            wait_for(lambda: self.css("#jobs tr[data-job-id]"), PAGE_S,
                     "the jobs after signing in", self.main_state)
            self.wait_live()
        finally:
            type(self).driver = main_driver
            driver.quit()

    def test_6_screenshots_of_every_page(self):
        p = self.pipeline
        # Something worth looking at on each page: a batch, dead jobs of a few kinds, delayed
        # and recurring jobs, a paused queue with jobs waiting, busy workers.
        batch_jobs = ([{"type": "sleep", "payload": {"ms": 50 + 10 * i}} for i in range(12)] +
                      [{"type": "echo", "payload": {"image": f"img-{i}.jpg"}} for i in range(10)] +
                      [{"type": "fail", "payload": {"message": "image is corrupt: bad JPEG marker"},
                        "max_attempts": 1}])
        batch = p.run("batch", "submit", "--jsonl", "-", "--description",
                      "thumbnails of upload 7f3e", stdin="".join(json.dumps(j) + "\n"
                                                                 for j in batch_jobs)).split()[-1]
        open_batch = p.run("batch", "open", "--description", "nightly import (open)").split()[-1]
        for i in range(3):
            p.submit("echo", "--arg", f"row={i}", "--batch", open_batch)
        dead = [p.submit("fail", "--max-attempts", "2", "--payload",
                         json.dumps({"message": "SMTP 550: mailbox unavailable"}),
                         "--queue", "mail"),
                p.submit("sleep", "--arg", "ms=3000", "--timeout", "1", "--max-attempts", "1"),
                p.submit("exec", "--max-attempts", "1", "--", "sh", "-c",
                         "echo 'fetching https://api.example.com/v2/orders' ; "
                         "echo 'curl: (22) The requested URL returned error: 503' >&2; exit 22")]
        for i in range(6):
            p.submit("echo", "--queue", "mail", "--arg", f"to=user{i}@example.com")
        p.submit("echo", "--queue", "critical", "--priority", "-5", "--arg", "alert=disk 91%")
        p.submit("echo", "--in", "1h", "--queue", "mail", "--arg", "msg=send the weekly digest")
        p.run("limit", "set", "exec=concurrency:4")
        p.run("limit", "set", "queue:mail=10/s")
        p.submit("exec", "--in", "2h", "--queue", "reports", "--", "sh", "-c", "echo report")
        p.run("schedule", "add", "cleanup", "--every", "15m", "exec", "--payload",
              json.dumps({"argv": ["sh", "-c", "find /srv/uploads -mtime +7 -delete"]}))
        p.run("schedule", "add", "nightly-report", "--cron", "0 3 * * *", "echo", "--arg",
              "report=daily")
        p.run("pause", "reports")
        for i in range(3):
            p.submit("echo", "--queue", "reports", "--arg", f"report={i}")
        for job in dead:
            p.wait_state(job, "dead")
        wait_for(lambda: p.run_json("batch", "show", batch)["state"] == "complete", JOBS_S,
                 f"batch {batch} to complete", lambda: p.run("batch", "show", batch))
        # Two long jobs keep both workers busy while their page is taken (then cancelled).
        long_jobs = [p.submit("sleep", "--arg", "ms=60000", "--timeout", "120",
                              "--arg", f"part={i}") for i in range(2)]
        for job in long_jobs:
            p.wait_state(job, "running")

        self.open("#/", "overview")
        self.wait_live()
        keys = ("pending", "in_flight", "retrying", "succeeded", "dead", "scheduled")

        def counts_agree():
            status = p.status()
            return all(self.count(key) == status[key] for key in keys)

        wait_for(lambda: int(self.attr("#throughput-chart", "data-seconds") or 0) > 0 and
                 self.css("#failures tr[data-job-id]") and counts_agree(), PAGE_S,
                 "the overview's chart, failures, and counts equal to zpipe status's",
                 lambda: f"page {[self.count(key) for key in keys]}, zpipe status "
                         f"{[p.status()[key] for key in keys]}")
        self.shot("overview")

        self.open("#/workers", "workers")
        wait_for(lambda: len(self.css("tr[data-worker] a.job-link")) == 2, PAGE_S,
                 "both workers showing the job they run", lambda: self.text("#workers"))
        self.shot("workers")
        for job in long_jobs:
            p.run("cancel", job, "--by", "alice@ops-laptop")

        self.open("#/queues", "queues")
        wait_for(lambda: self.attr("tr[data-queue=reports] [data-field=paused]", "data-value") ==
                 "true" and self.css("tr[data-queue=mail]") and
                 len(self.css("tr[data-limit]")) == 2,
                 PAGE_S, "the queues (reports paused, mail with a delayed job) and two limits",
                 lambda: f"{self.text('#queues')} / {self.text('#limits')}")
        self.shot("queues")

        self.open("#/jobs", "jobs")
        wait_for(lambda: len(self.css("#jobs tr[data-job-id]")) == 50, PAGE_S,
                 "a full page of jobs", lambda: self.text("#jobs"))
        self.shot("jobs")

        # A dead job, as the guide shows it: its error, its output and the buttons.
        self.open(f"#/jobs/{dead[2]}", "job")
        wait_for(lambda: self.attr("#job", "data-state") == "dead" and
                 self.css("#job [data-action=retry]") and
                 "503" in (self.text("#job-output-stderr") or ""), PAGE_S,
                 f"the page of dead job {dead[2]} with its stderr and Retry", self.main_state)
        self.shot("job")

        self.open("#/dead", "dead")
        wait_for(lambda: all(self.css(f"tr[data-job-id='{j}']") for j in dead), PAGE_S,
                 "the dead jobs", lambda: self.text("#dead"))
        self.shot("dead")

        self.open("#/scheduled", "scheduled")
        wait_for(lambda: len(self.css("#scheduled tr[data-job-id]")) >= 2 and
                 len(self.css("tr[data-schedule]")) == 2, PAGE_S,
                 "the delayed jobs and both schedules", self.main_state)
        self.shot("scheduled")

        self.open("#/metrics", "metrics")
        wait_for(lambda: all(self.css(f"tr[data-type={t}]") for t in
                             ("echo", "sleep", "fail", "exec")),
                 PAGE_S, "metrics of echo, sleep, fail and exec", lambda: self.text("#metrics"))
        self.shot("metrics")

        self.open("#/batches", "batches")
        wait_for(lambda: self.attr(f"tr[data-batch-id='{batch}']", "data-state") == "complete" and
                 self.css(f"tr[data-batch-id='{open_batch}']"), PAGE_S,
                 "both batches, the first complete", lambda: self.text("#batches"))
        self.shot("batches")

        for job in long_jobs:
            p.wait_state(job, "cancelled", timeout=ACTION_S)
        expected = ["overview", "workers", "queues", "jobs", "job", "dead", "scheduled",
                    "metrics", "batches"] + (["login"] if self.login_shot else [])
        for name in expected:
            path = os.path.join(self.shots_dir, name + ".png")
            with open(path, "rb") as f:
                head = f.read(24)
            self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
            size = (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))
            self.assertEqual(size, (WIDTH, HEIGHT), f"{path} should be {WIDTH}x{HEIGHT}")
        self.assertEqual(self.js_errors(), [], "the pages logged script errors")
        self.assertIsNone(self.xss_ran(), "a script from a job ran")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin-dir", required=True, help="where zpipe and zpipe-web are")
    args, rest = parser.parse_known_args()
    bin_dir = os.path.abspath(args.bin_dir)
    for program in ("zpipe", "zpipe-web", "zpipe-ventilator", "zpipe-sink", "zpipe-worker"):
        if not os.access(os.path.join(bin_dir, program), os.X_OK):
            print(f"FAIL: {program} is not in {bin_dir}: build it first", flush=True)
            return 1
    WebUi.bin_dir = bin_dir
    WebUi.shots_dir = os.path.abspath(os.environ.get("ZPIPE_SCREENSHOTS_DIR") or
                                      os.path.join(bin_dir, os.pardir, "web-screenshots"))
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_alarm)
    signal.alarm(HARD_ALARM_S)
    program = unittest.main(argv=[sys.argv[0], *rest], exit=False, verbosity=2)
    signal.alarm(0)
    print(f"screenshots in {WebUi.shots_dir}", flush=True)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
