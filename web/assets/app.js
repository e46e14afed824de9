/*
 * zpipe-web: the dashboard's script. Plain JavaScript, no framework, no build step, nothing
 * fetched from elsewhere: zpipe-web embeds this file in its binary. The API is docs/HTTP.md.
 *
 * Safety: every value from the API reaches the page through textContent, createTextNode,
 * element properties or setAttribute of plain attributes (the el() helper below); never
 * innerHTML, never HTML built from strings, never eval. Every POST sends X-CSRF-Token (the
 * zpipe_csrf cookie); a 401 anywhere sends the browser to /login.
 *
 * Hooks for tests (stable; Selenium looks for these):
 *   body.read-only                       when /api/status says web.read_only (no action buttons)
 *   #pipeline                            the pipeline id in the header
 *   #conn[data-state]                    live feed: connecting | live | lost | silent
 *   nav a[data-nav=NAME]                 overview workers queues jobs dead scheduled metrics batches;
 *                                        the current one has aria-current="page"
 *   [data-nav-count=dead]                dead jobs, beside the nav link
 *   #main[data-page=NAME]                the page shown: overview workers queues jobs job dead
 *                                        scheduled metrics batches batch; [data-loaded=true]
 *                                        once its data has been painted at least once
 *   #flash[data-kind=ok|error]           the answer of the last action (error: the API's text)
 *   #load-error                          a read that failed (the page keeps retrying)
 *   #confirm (dialog), its buttons [data-action=confirm] and [data-action=dismiss]
 *   Overview: [data-count=KEY][data-value=N] for KEY in pending scheduled in_flight retrying
 *             succeeded failed dead cancelled (failed = failed attempts); text is N grouped
 *             with commas, data-value the plain number. [data-store-count=succeeded|dead|
 *             cancelled]. #throughput-chart (canvas, data-seconds = entries drawn), #backlog,
 *             #eta, #throughput, #advice, #alerts, #live-note, #failures tr[data-job-id]
 *   Rows keep their element across refreshes while their key (data-job-id, data-worker, ...)
 *   stays: only the cells that changed are swapped.
 *   Workers:  tr[data-worker=NAME][data-state] with [data-field=state] and buttons
 *             [data-action=pause|resume|stop] (pause or resume: the one that applies; stop asks first)
 *   Queues:   tr[data-queue=NAME], [data-field=paused][data-value=true|false], buttons
 *             [data-action=pause|resume] (the one that applies); tr[data-limit]
 *   Jobs:     form#job-filter (inputs name=id type queue status from to), tr[data-job-id=ID]
 *             [data-status] with [data-field=status], a.job-link; #next-page, #first-page,
 *             #refresh. A recorded "failed" (the store's word for dead) shows as dead.
 *   One job:  #job[data-job-id][data-state] (state: now.state, else the recorded one),
 *             #job-state, #job-now, #job-payload, #job-result, #job-error, #job-output-stdout,
 *             #job-output-stderr, tr[data-attempt=N][data-status] and tr[data-attempt-error=N],
 *             #job-parent, #job-batch, #job-children; buttons [data-action=retry|discard] when
 *             dead, [data-action=cancel] when pending/scheduled/running/retrying
 *   Dead:     #dead-summary, tr[data-job-id] with input[data-select], input#select-all,
 *             buttons [data-action=retry-selected|discard-selected|retry-type|discard-type|
 *             retry-all|discard-all], select#dead-type; [data-acted] on rows acted on
 *   Scheduled: tr[data-job-id] and tr[data-schedule=NAME], buttons [data-action=run|delete]
 *   Metrics:  [data-window=1h|1d] buttons (aria-pressed), tr[data-type=TYPE]
 *   Batches:  tr[data-batch-id=ID] with .progress[data-done][data-total]; #batch[data-batch-id]
 */
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------
  // Building the page safely

  // Attributes el() sets with setAttribute; anything else is refused (no on*, no style, no
  // srcdoc). href only takes our own links (#/... or /...).
  const PLAIN_ATTRIBUTES = new Set([
    'id', 'class', 'title', 'type', 'name', 'for', 'role', 'colspan', 'placeholder', 'list',
    'autocomplete', 'min', 'max', 'step', 'value', 'aria-label', 'aria-pressed', 'aria-current',
    'aria-live', 'aria-sort', 'scope', 'datetime', 'spellcheck', 'inputmode',
  ]);

  // el('td', {class: 'num', data: {jobId: id}, on: {click: f}}, 'text', otherNode, null)
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'data') {
        for (const [k, v] of Object.entries(value)) {
          if (v !== undefined && v !== null) node.dataset[k] = String(v);
        }
      } else if (key === 'on') {
        for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
      } else if (key === 'href') {
        const href = String(value);
        if (!/^(#\/|\/(?!\/))/.test(href)) throw new Error('el(): refused href ' + href);
        node.setAttribute('href', href);
      } else if (key === 'checked' || key === 'disabled' || key === 'hidden' || key === 'selected') {
        node[key] = Boolean(value);
      } else if (PLAIN_ATTRIBUTES.has(key)) {
        node.setAttribute(key, value === true ? '' : String(value));
      } else {
        throw new Error('el(): attribute not allowed: ' + key);
      }
    }
    append(node, children);
    return node;
  }

  function append(node, ...children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  const $ = (selector, root = document) => root.querySelector(selector);

  // ---------------------------------------------------------------------------------------
  // Formatting

  const dash = '–';
  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

  function fmtInt(n) {
    return isNum(n) ? Math.round(n).toLocaleString('en-US') : dash;
  }

  function fmtRate(n) {
    if (!isNum(n)) return dash;
    return n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2).replace(/\.?0+$/, '') || '0';
  }

  // A duration for people: 4 µs, 35 ms, 4.20 s, 3 min 5 s, 2 h 5 min, 3 d 4 h.
  function fmtDuration(ms) {
    if (!isNum(ms)) return dash;
    if (ms < 0) ms = 0;
    if (ms === 0) return '0 ms';
    if (ms < 1) return Math.max(1, Math.round(ms * 1000)) + ' µs';
    if (ms < 10) return ms.toFixed(1) + ' ms';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 10_000) return (ms / 1000).toFixed(2) + ' s';
    if (ms < 60_000) return (ms / 1000).toFixed(1) + ' s';
    const s = Math.round(ms / 1000);
    if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  }

  // A schedule's period in whole units where it has them: 30 s, 5 min, 2 h, 1 d.
  function fmtInterval(ms) {
    const s = ms / 1000;
    if (!Number.isInteger(s)) return fmtDuration(ms);
    if (s % 86400 === 0) return s / 86400 + ' d';
    if (s % 3600 === 0) return s / 3600 + ' h';
    if (s % 60 === 0) return s / 60 + ' min';
    return s < 3600 && s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : s < 60 ? s + ' s' : fmtDuration(ms);
  }

  // Coarser, for "3 min ago" and "in 2 h".
  function fmtSpan(ms) {
    const s = Math.round(Math.abs(ms) / 1000);
    if (s < 1) return 'now';
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.round(s / 60) + ' min';
    if (s < 86400) return (s / 3600).toFixed(s < 36000 ? 1 : 0).replace(/\.0$/, '') + ' h';
    return (s / 86400).toFixed(s < 864000 ? 1 : 0).replace(/\.0$/, '') + ' d';
  }

  function fmtRelative(ms, now = Date.now()) {
    if (!isNum(ms) || ms <= 0) return dash;
    const span = fmtSpan(ms - now);
    if (span === 'now') return 'just now';
    return ms > now ? 'in ' + span : span + ' ago';
  }

  const pad = (n, w = 2) => String(n).padStart(w, '0');

  function localDate(d) {
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  // Local time: HH:MM:SS today, YYYY-MM-DD HH:MM:SS another day.
  function fmtTime(ms) {
    if (!isNum(ms) || ms <= 0) return dash;
    const d = new Date(ms);
    const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return localDate(d) === localDate(new Date()) ? clock : `${localDate(d)} ${clock}`;
  }

  function fullTime(ms) {
    const d = new Date(ms);
    return `${localDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.` +
      `${pad(d.getMilliseconds(), 3)} (${fmtRelative(ms)})`;
  }

  // A <time> with the short form shown and the exact one in its tooltip.
  function timeCell(ms, relative = false) {
    if (!isNum(ms) || ms <= 0) return el('span', {class: 'muted'}, dash);
    return el('time', {datetime: new Date(ms).toISOString(), title: fullTime(ms)},
      relative ? fmtRelative(ms) : fmtTime(ms));
  }

  function fmtMemoryKb(kb) {
    if (!isNum(kb) || kb <= 0) return dash;
    if (kb < 1024) return kb + ' KiB';
    if (kb < 1024 * 1024) return (kb / 1024).toFixed(kb < 10 * 1024 ? 1 : 0) + ' MiB';
    return (kb / 1024 / 1024).toFixed(2) + ' GiB';
  }

  function fmtPercent(x) {
    if (!isNum(x)) return dash;
    const p = x * 100;
    return (p === 0 ? '0' : p < 10 ? p.toFixed(2) : p.toFixed(1)) + ' %';
  }

  const plural = (n, one, many = one + 's') => `${fmtInt(n)} ${n === 1 ? one : many}`;

  function pretty(value) {
    try {
      return JSON.stringify(value, null, 2);
    } catch (e) {
      return String(value);
    }
  }

  // The store records a dead job as "failed" (zpipe results); the API filters on "dead".
  const recordedState = (status) => (status === 'failed' ? 'dead' : status);

  const STATE_LABEL = {in_flight: 'in flight'};

  function badge(state, text) {
    const name = String(state || 'unknown');
    const css = /^[a-z_ ]+$/.test(name) ? name.replace(/ /g, '_') : 'other';
    return el('span', {class: 'badge state-' + css, data: {status: name}},
      text || STATE_LABEL[name] || name.replace(/_/g, ' '));
  }

  const jobHref = (id) => '#/jobs/' + encodeURIComponent(id);
  const batchHref = (id) => '#/batches/' + encodeURIComponent(id);

  function jobLink(id) {
    if (!id) return el('span', {class: 'muted'}, dash);
    return el('a', {href: jobHref(id), class: 'job-link mono', data: {jobId: id}}, id);
  }

  const num = (value, extra) => el('td', {class: 'num' + (extra ? ' ' + extra : '')}, value);

  function emptyRow(columns, message) {
    return el('tr', {class: 'empty-row'}, el('td', {colspan: columns, class: 'empty'}, message));
  }

  // ---------------------------------------------------------------------------------------
  // The API

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  function cookie(name) {
    for (const part of document.cookie.split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
    }
    return '';
  }

  let leaving = false;
  function toLogin() {
    if (leaving) return;
    leaving = true;
    try {
      sessionStorage.setItem('zpipe.after_login', location.hash);
    } catch (e) { /* private mode: the page starts at the overview */ }
    location.assign('/login');
  }

  async function request(method, path, body) {
    const headers = {Accept: 'application/json'};
    const init = {method, headers, credentials: 'same-origin', cache: 'no-store'};
    if (method === 'POST') {
      headers['X-CSRF-Token'] = cookie('zpipe_csrf');
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError('zpipe-web does not answer (' + (e.message || 'network error') + ')', 0);
    }
    if (response.status === 401) {
      toLogin();
      throw new ApiError('sign in first', 401);
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (e) { /* not JSON: told below */ }
    if (!response.ok) {
      const reason = answer && typeof answer.error === 'string' ? answer.error
        : `${response.status} ${response.statusText || 'error'}`;
      throw new ApiError(reason, response.status);
    }
    if (answer === null) throw new ApiError(`${path} answered something that is not JSON`, response.status);
    return answer;
  }

  const getJson = (path) => request('GET', path);
  const postJson = (path, body) => request('POST', path, body);

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
  }

  // ---------------------------------------------------------------------------------------
  // Flash messages, confirmations and action buttons

  let flashTimer = 0;
  function flash(kind, message) {
    const box = $('#flash');
    clearTimeout(flashTimer);
    box.dataset.kind = kind;
    replace(box, el('span', {class: 'flash-text'}, message),
      el('button', {type: 'button', class: 'link', 'aria-label': 'Close', on: {click: () => { box.hidden = true; }}}, '×'));
    box.hidden = false;
    if (kind === 'ok') flashTimer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  // Asks in a page dialog (tests click [data-action=confirm]); resolves true on OK.
  function confirmAction(message, okLabel = 'OK') {
    const dialog = $('#confirm');
    if (!dialog || typeof dialog.showModal !== 'function') return Promise.resolve(window.confirm(message));
    $('#confirm-text').textContent = message;
    $('#confirm-ok').textContent = okLabel;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
      dialog.showModal();
      $('#confirm-ok').focus();
    });
  }

  const app = {readOnly: false, status: null, pipeline: '', started: false};

  // What an action's answer says, in words: {"ok": true, ...what happened}.
  function answerText(answer, fallback) {
    if (answer && typeof answer.message === 'string' && answer.message) return answer.message;
    const counts = [];
    for (const key of ['retried', 'discarded', 'cancelled', 'count']) {
      if (answer && isNum(answer[key])) counts.push(`${key} ${fmtInt(answer[key])}`);
    }
    return counts.length ? `${fallback}: ${counts.join(', ')}` : fallback;
  }

  // A button that POSTs. Returns null in read-only mode, so it is never in the page.
  //   options: body (object or function), confirm (text or function -> text or null),
  //   okLabel, done (text shown on success, or function(answer) -> text), after (callback)
  function actionButton(label, action, path, options = {}) {
    if (app.readOnly) return null;
    const button = el('button', {type: 'button', class: 'action ' + (options.kind || ''), data: {action}}, label);
    button.addEventListener('click', async () => {
      const question = typeof options.confirm === 'function' ? options.confirm() : options.confirm;
      if (question && !(await confirmAction(question, options.okLabel || label))) return;
      const target = typeof path === 'function' ? path() : path;
      if (!target) return;
      const body = typeof options.body === 'function' ? options.body() : options.body;
      button.disabled = true;
      button.classList.add('busy');
      try {
        const answer = await postJson(target, body);
        const done = typeof options.done === 'function' ? options.done(answer) : (options.done || `${label}: done`);
        flash('ok', answerText(answer, done));
        if (options.after) options.after(answer);
      } catch (e) {
        if (e.status !== 401) flash('error', `${label} failed: ${e.message}`);
      } finally {
        button.disabled = false;
        button.classList.remove('busy');
      }
    });
    return button;
  }

  function setReadOnly(readOnly) {
    app.readOnly = Boolean(readOnly);
    document.body.classList.toggle('read-only', app.readOnly);
    $('#read-only-note').hidden = !app.readOnly;
  }

  // ---------------------------------------------------------------------------------------
  // Status: the header and the nav, and the overview's counts

  const statusListeners = new Set();
  let statusTimer = 0;
  let statusFast = false;

  let statusBusy = false;

  // A listener that throws must not stop the others (nor the loop that calls them).
  function tell(listeners, ...args) {
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (e) {
        console.error(e);
      }
    }
  }

  // One loop: a call while one is on its way does nothing (it would start a second loop).
  async function refreshStatus() {
    if (statusBusy) return;
    statusBusy = true;
    clearTimeout(statusTimer);
    try {
      if (!document.hidden) {
        const status = await getJson('/api/status');
        app.status = status;
        if (typeof status.pipeline === 'string' && status.pipeline) {
          app.pipeline = status.pipeline;
          $('#pipeline').textContent = status.pipeline;
        }
        const readOnly = Boolean(status.web && status.web.read_only);
        if (readOnly !== app.readOnly) {
          setReadOnly(readOnly);
          if (app.started) route(); // the page drops (or gets) its buttons
        }
        const dead = $('[data-nav-count=dead]');
        dead.textContent = isNum(status.dead) && status.dead > 0 ? fmtInt(status.dead) : '';
        dead.hidden = !(status.dead > 0);
        tell(statusListeners, status, null);
      }
    } catch (e) {
      tell(statusListeners, null, e);
    } finally {
      statusBusy = false;
      statusTimer = setTimeout(refreshStatus, statusFast ? 2000 : 5000);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The live feed: /api/events, one `live` a second (EventSource reconnects by itself)

  const live = {source: null, last: null, lastAt: 0, listeners: new Set(), state: 'connecting'};

  function setConn(state, text, title) {
    const conn = $('#conn');
    live.state = state;
    conn.dataset.state = state;
    conn.textContent = text;
    conn.setAttribute('title', title || text);
  }

  function connectLive() {
    if (live.source) live.source.close();
    const source = new EventSource('/api/events');
    live.source = source;
    source.addEventListener('open', () => {
      if (live.state !== 'live') setConn('connecting', 'connected, waiting…');
    });
    source.addEventListener('live', (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      live.last = data;
      live.lastAt = Date.now();
      if (data.hub_silent) {
        setConn('silent', 'hub silent',
          'zpipe-web hears nothing from the event hub: the ventilator (it hosts the hub) may have stopped or cannot be reached');
      } else {
        setConn('live', 'live', `live: ${fmtInt(data.events_seen)} events seen` +
          (data.missed_events ? `, ${fmtInt(data.missed_events)} missed` : ''));
      }
      tell(live.listeners, data);
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (401, or not an event stream): EventSource gives up; ask again later, and let
        // a status call send us to /login if that is why.
        setConn('lost', 'disconnected', 'the live feed was refused; trying again');
        getJson('/api/status').catch(() => {});
        setTimeout(connectLive, 5000);
      } else {
        setConn('lost', 'reconnecting…', 'the live feed dropped; the browser reconnects by itself');
      }
    });
  }

  // A feed that says nothing for a while is as good as lost.
  setInterval(() => {
    if (live.state === 'live' && Date.now() - live.lastAt > 4000) {
      setConn('lost', 'no updates', `no live update for ${fmtSpan(Date.now() - live.lastAt)}`);
    }
  }, 1000);

  // ---------------------------------------------------------------------------------------
  // Routing: #/path?query. Each page gets a life: its timers and listeners end with it.

  let life = null;

  function makeLife(main) {
    const timers = [];
    const cleanups = [];
    const self = {
      ended: false,
      main,
      // Runs fn now and every ms (not while the tab is hidden, never twice at once); returns
      // a function that runs it now (after an action).
      poll(fn, ms) {
        let busy = false;
        const run = async () => {
          if (self.ended || busy) return;
          busy = true;
          try {
            await fn();
            if (!self.ended) self.problem(null);
          } catch (e) {
            if (!self.ended && e.status !== 401) self.problem(e);
          } finally {
            busy = false;
          }
        };
        run();
        timers.push(setInterval(() => { if (!document.hidden) run(); }, ms));
        return run;
      },
      onLive(fn) {
        live.listeners.add(fn);
        cleanups.push(() => live.listeners.delete(fn));
        if (live.last) fn(live.last);
      },
      onStatus(fn) {
        statusListeners.add(fn);
        cleanups.push(() => statusListeners.delete(fn));
        if (app.status) fn(app.status, null);
      },
      cleanup(fn) {
        cleanups.push(fn);
      },
      problem(error) {
        let box = $('#load-error', main);
        if (!error) {
          if (box) box.remove();
          return;
        }
        if (!box) {
          box = el('p', {id: 'load-error', class: 'load-error', role: 'alert'});
          main.prepend(box);
        }
        box.textContent = `Could not read the data: ${error.message}. Trying again…`;
      },
      loaded() {
        main.dataset.loaded = 'true';
      },
      end() {
        self.ended = true;
        timers.forEach(clearInterval);
        cleanups.forEach((fn) => fn());
      },
    };
    return self;
  }

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const at = raw.indexOf('?');
    const path = at < 0 ? raw : raw.slice(0, at);
    const params = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
    return {path: path.startsWith('/') ? path : '/' + path, params};
  }

  function segment(text) {
    try {
      return decodeURIComponent(text);
    } catch (e) {
      return text;
    }
  }

  const ROUTES = [
    [/^\/$/, 'overview', () => overviewPage],
    [/^\/workers\/?$/, 'workers', () => workersPage],
    [/^\/queues\/?$/, 'queues', () => queuesPage],
    [/^\/jobs\/?$/, 'jobs', () => jobsPage],
    [/^\/jobs\/(.+)$/, 'job', () => jobPage],
    [/^\/dead\/?$/, 'dead', () => deadPage],
    [/^\/scheduled\/?$/, 'scheduled', () => scheduledPage],
    [/^\/metrics\/?$/, 'metrics', () => metricsPage],
    [/^\/batches\/?$/, 'batches', () => batchesPage],
    [/^\/batches\/(.+)$/, 'batch', () => batchPage],
  ];

  const NAV_OF = {job: 'jobs', batch: 'batches'};
  const TITLE = {overview: 'Overview', workers: 'Workers', queues: 'Queues', jobs: 'Jobs', job: 'Job',
    dead: 'Dead jobs', scheduled: 'Scheduled', metrics: 'Metrics', batches: 'Batches', batch: 'Batch'};

  function route() {
    if (life) life.end();
    const main = $('#main');
    const {path, params} = parseHash();
    let found = ROUTES.find(([pattern]) => pattern.test(path));
    let match = found ? path.match(found[0]) : null;
    const name = found ? found[1] : 'missing';
    main.replaceChildren();
    main.dataset.page = name;
    delete main.dataset.loaded;
    for (const link of document.querySelectorAll('nav a[data-nav]')) {
      if (link.dataset.nav === (NAV_OF[name] || name)) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${TITLE[name] || 'Not found'} · zpipe` + (app.pipeline ? ` ${app.pipeline}` : '');
    statusFast = name === 'overview';
    life = makeLife(main);
    if (!found) {
      append(main, el('h1', {}, 'Not found'),
        el('p', {}, 'No page here. ', el('a', {href: '#/'}, 'Back to the overview'), '.'));
      return;
    }
    found[2]()(main, params, match ? match.slice(1).map(segment) : [], life);
  }

  function setHash(path, params) {
    const next = '#' + path + (params ? query(params) : '');
    if (location.hash === next) route();
    else location.hash = next;
  }

  // ---------------------------------------------------------------------------------------
  // Small page parts

  function heading(title, ...extra) {
    return el('div', {class: 'page-head'}, el('h1', {}, title), ...extra);
  }

  function section(title, ...children) {
    return el('section', {class: 'panel'}, title ? el('h2', {}, title) : null, ...children);
  }

  // A table: columns are [label, 'num'?]; returns {table, body}.
  function table(columns, options = {}) {
    const body = el('tbody', options.bodyId ? {id: options.bodyId} : {});
    const head = el('tr', {}, columns.map((c) => {
      const [label, kind] = Array.isArray(c) ? c : [c];
      return el('th', {scope: 'col', class: kind || null}, label);
    }));
    const t = el('table', {class: 'grid ' + (options.class || '')}, el('thead', {}, head), body);
    return {table: el('div', {class: 'table-wrap'}, t), body};
  }

  // What names a row across refreshes.
  const ROW_KEYS = ['jobId', 'worker', 'queue', 'limit', 'schedule', 'batchId', 'type', 'attempt'];
  function rowKey(row) {
    for (const k of ROW_KEYS) if (row.dataset[k] !== undefined) return k + '=' + row.dataset[k];
    return '';
  }

  // Puts the rows in a table(). A row already there under the same key stays the same element,
  // and only its cells that changed are swapped: a refresh neither moves a button from under
  // the pointer nor leaves a test holding a stale row. A cell under a heading of class "wide"
  // gets that class too, so that narrow windows can leave those columns out.
  function fill(t, ...rows) {
    const next = rows.flat(Infinity).filter(Boolean);
    const heads = [...t.table.querySelectorAll('thead th')];
    const wide = heads.map((th) => th.classList.contains('wide'));
    for (const row of next) {
      if (row.cells.length !== heads.length) continue;
      wide.forEach((isWide, i) => { if (isWide) row.cells[i].classList.add('wide'); });
    }
    const old = new Map();
    for (const row of t.body.rows) {
      const key = rowKey(row);
      if (key && !old.has(key)) old.set(key, row);
    }
    const result = next.map((row) => {
      const key = rowKey(row);
      const before = key ? old.get(key) : null;
      if (!before) return row;
      old.delete(key);
      if (before.outerHTML === row.outerHTML) return before;
      if (before.cells.length !== row.cells.length) return row;
      for (const name of before.getAttributeNames()) if (!row.hasAttribute(name)) before.removeAttribute(name);
      for (const name of row.getAttributeNames()) before.setAttribute(name, row.getAttribute(name));
      const fresh = [...row.cells];
      [...before.cells].forEach((cell, i) => {
        if (cell.outerHTML !== fresh[i].outerHTML) before.replaceChild(fresh[i], cell);
      });
      return before;
    });
    const current = [...t.body.children];
    if (current.length !== result.length || current.some((row, i) => row !== result[i])) {
      t.body.replaceChildren(...result);
    }
  }

  // Paint only when the answer changed: a refresh should not reset what the user looks at.
  function changed(holder, answer) {
    const text = JSON.stringify(answer);
    if (holder.text === text) return false;
    holder.text = text;
    return true;
  }

  function updated(node) {
    if (node) node.textContent = 'updated ' + fmtTime(Date.now());
  }

  // ---------------------------------------------------------------------------------------
  // Overview

  const COUNTS = [
    ['pending', 'Pending', 'waiting for a worker'],
    ['scheduled', 'Scheduled', 'waiting for their time'],
    ['in_flight', 'In flight', 'sent to a worker, running or next in line'],
    ['retrying', 'Retrying', 'failed, waiting to be tried again'],
    ['succeeded', 'Succeeded', 'jobs that succeeded'],
    ['failed', 'Failed attempts', 'attempts that failed (a job may fail and then succeed)'],
    ['dead', 'Dead', 'failed on their last attempt: retry or discard them'],
    ['cancelled', 'Cancelled', 'cancelled before they ended'],
  ];

  // Where a click on a count goes: the page that says more about those jobs.
  const TILE_LINK = {pending: '#/queues', scheduled: '#/scheduled', in_flight: '#/workers', retrying: '#/scheduled',
    succeeded: '#/jobs?status=succeeded', failed: '#/metrics', dead: '#/dead', cancelled: '#/jobs?status=cancelled'};

  function overviewPage(main, params, _match, life) {
    const stamp = el('span', {class: 'muted stamp'});
    const counts = el('section', {class: 'counts', 'aria-label': 'Jobs by state'},
      COUNTS.map(([key, label, hint]) => el('a', {
        class: 'tile state-' + key, title: hint,
        href: TILE_LINK[key],
      }, el('span', {class: 'tile-label'}, label),
      el('span', {class: 'tile-value', data: {count: key}}, dash))));
    const storeNote = el('p', {class: 'store-note muted', id: 'store-counts'});
    const alerts = el('div', {id: 'alerts', class: 'alerts'});

    const canvas = el('canvas', {id: 'throughput-chart', class: 'chart', role: 'img',
      'aria-label': 'Jobs succeeded and attempts failed per second over the last 5 minutes'});
    const tip = el('div', {class: 'chart-tip', hidden: true});
    const legendOk = el('span', {class: 'legend ok'}, 'succeeded');
    const legendBad = el('span', {class: 'legend bad'}, 'failed attempts');
    const chartPanel = section(null,
      el('div', {class: 'panel-head'}, el('h2', {}, 'Finished per second, last 5 minutes'),
        el('span', {class: 'legends'}, legendOk, legendBad)),
      el('div', {class: 'chart-box'}, canvas, tip));

    const backlog = el('span', {id: 'backlog', class: 'big'}, dash);
    const eta = el('span', {id: 'eta', class: 'big'}, dash);
    const throughput = el('span', {id: 'throughput', class: 'big'}, dash);
    const advice = el('p', {id: 'advice', class: 'advice'}, 'Waiting for the live feed…');
    const liveNote = el('p', {id: 'live-note', class: 'live-note muted'});
    const workPanel = section('Backlog',
      el('div', {class: 'stats'},
        el('div', {}, el('span', {class: 'stat-label'}, 'jobs left'), backlog),
        el('div', {}, el('span', {class: 'stat-label'}, 'done in about'), eta),
        el('div', {}, el('span', {class: 'stat-label'}, 'jobs / s now'), throughput)),
      advice, liveNote);

    const byType = table([['Type'], ['Pending', 'num'], ['In flight', 'num'], ['Retrying', 'num'],
      ['Succeeded', 'num'], ['Dead', 'num']], {bodyId: 'by-type'});
    const failures = table([['When'], ['Job'], ['Type'], ['Error'], ['Worker', 'wide']], {bodyId: 'failures', class: 'failures'});

    append(main,
      heading('Overview', stamp),
      alerts, counts, storeNote,
      el('div', {class: 'overview-grid'}, chartPanel, workPanel),
      section('Recent failures', failures.table),
      section('By type', byType.table));

    const chart = makeChart(canvas, tip);
    life.cleanup(() => chart.stop());

    let lastStatus = null;
    let lastLive = null;

    // The live feed's counts (the ventilator's state event of the last second) lag the ones
    // /api/status has just asked for: painting both in turn would make a count step back
    // every few seconds. While the feed is live its counts win for the keys it has; the
    // status fills in the rest (scheduled, cancelled), and all of them when the feed is down.
    const liveCounts = () => (live.state === 'live' && lastLive && lastLive.counts &&
      typeof lastLive.counts === 'object' ? lastLive.counts : {});

    // Paints the counts of `keys` from `values` (a dash for one it lacks).
    function paintCounts(values, keys) {
      for (const key of keys) {
        const node = $(`[data-count="${key}"]`, counts);
        const value = values[key];
        node.textContent = fmtInt(value);
        if (isNum(value)) node.dataset.value = String(value);
        else delete node.dataset.value;
        node.closest('.tile').classList.toggle('zero', !(value > 0));
      }
    }

    function paintAlerts() {
      const items = [];
      const seen = new Set();
      for (const list of [lastStatus && lastStatus.alerts, lastLive && lastLive.alerts]) {
        for (const alert of Array.isArray(list) ? list : []) {
          const text = typeof alert === 'string' ? alert : pretty(alert);
          if (!seen.has(text)) {
            seen.add(text);
            items.push(el('li', {class: 'alert'}, text));
          }
        }
      }
      const idle = lastStatus && Array.isArray(lastStatus.types_without_workers) ? lastStatus.types_without_workers : [];
      if (idle.length) {
        items.push(el('li', {class: 'alert warn'},
          `No worker takes ${idle.length === 1 ? 'type' : 'types'} ${idle.join(', ')}: ` +
          'those jobs wait until one that handles them starts.'));
      }
      replace(alerts, items.length ? el('ul', {}, items) : null);
    }

    function paintStatus(status) {
      lastStatus = status;
      const fromLive = liveCounts();
      paintCounts(status, COUNTS.map(([key]) => key).filter((key) => !(key in fromLive)));
      const store = status.store || {};
      replace(storeNote, 'Recorded in the store: ',
        ['succeeded', 'dead', 'cancelled'].map((key, i) => [i ? ' · ' : '',
          el('span', {data: {storeCount: key, value: isNum(store[key]) ? store[key] : null}}, fmtInt(store[key])),
          ' ' + key]),
        isNum(status.accepted) ? ` · ${fmtInt(status.accepted)} accepted by the ventilator` : '');
      const types = Object.entries(status.by_type || {}).sort(([a], [b]) => a.localeCompare(b));
      fill(byType, types.length ? types.map(([type, c]) => el('tr', {data: {type}},
        el('td', {}, el('a', {href: '#/jobs' + query({type})}, type)),
        num(fmtInt(c.pending)), num(fmtInt(c.in_flight)), num(fmtInt(c.retrying)),
        num(fmtInt(c.succeeded)), num(fmtInt(c.dead), c.dead > 0 ? 'bad' : ''))) : emptyRow(6, 'No jobs yet.'));
      paintAlerts();
      if (!(lastLive && lastLive.advice)) {
        backlog.textContent = fmtInt((status.pending || 0) + (status.in_flight || 0) + (status.retrying || 0));
      }
      updated(stamp);
      life.loaded();
    }

    function paintLive(data) {
      lastLive = data;
      const fromLive = liveCounts();
      paintCounts(fromLive, COUNTS.map(([key]) => key).filter((key) => key in fromLive));
      chart.set(Array.isArray(data.history) ? data.history : [], data.time_ms || Date.now());
      const last = lastFullSecond(data);
      legendOk.textContent = `succeeded ${last ? fmtInt(last.succeeded) : '0'}/s`;
      legendBad.textContent = `failed attempts ${last ? fmtInt(last.failed) : '0'}/s`;
      throughput.textContent = fmtRate(data.throughput);
      eta.textContent = !isNum(data.eta_s) ? dash : data.eta_s === 0 ? 'done'
        : data.eta_s < 60 ? `${Math.round(data.eta_s)} s` : fmtDuration(data.eta_s * 1000);
      eta.setAttribute('title', isNum(data.eta_s) ? 'at the throughput of the last seconds' : 'nothing is moving');
      const a = data.advice;
      if (a && typeof a === 'object') {
        backlog.textContent = fmtInt(a.backlog);
        const jobMs = isNum(a.job_ms) ? `${fmtDuration(a.job_ms)} a job` : 'the jobs timed so far';
        if (!(a.backlog > 0)) {
          advice.textContent = `No backlog: ${plural(a.workers_running, 'worker')} running, at ${jobMs}.`;
        } else {
          const target = isNum(a.target_minutes) ? ` to finish in ${a.target_minutes} min` : '';
          const more = a.workers_needed > a.workers_running;
          advice.textContent = `The ${plural(a.backlog, 'job')} left need ${plural(a.workers_needed, 'worker')}` +
            `${target} at ${jobMs} (${fmtRate(a.slots_per_worker)} ${a.slots_per_worker === 1 ? 'slot' : 'slots'} each); ${fmtInt(a.workers_running)} running` +
            (more ? ` — start ${fmtInt(a.workers_needed - a.workers_running)} more to keep up.` : '.');
          advice.classList.toggle('warn', more);
        }
      } else {
        advice.textContent = 'Worker advice once a job finishes while zpipe-web watches (it times them).';
        advice.classList.remove('warn');
      }
      const notes = [];
      if (data.hub_silent) {
        notes.push('The event hub is silent: no events reach zpipe-web. The ventilator (it hosts the hub) may have stopped; the chart and the failures below are not moving.');
      }
      if (data.missed_events > 0) {
        notes.push(`${fmtInt(data.missed_events)} events were missed (dropped under load): the chart may be low; the counts come from the ventilator and stay right.`);
      }
      liveNote.classList.toggle('warn', notes.length > 0);
      liveNote.textContent = notes.length ? notes.join(' ')
        : `Live from the event hub: ${fmtInt(data.events_seen)} events seen.`;
      const list = Array.isArray(data.failures) ? data.failures : [];
      fill(failures, list.length ? list.map((f) => el('tr', {data: {jobId: f.job}},
        el('td', {class: 'nowrap'}, timeCell(f.time_ms)),
        el('td', {}, jobLink(f.job)),
        el('td', {}, f.type),
        el('td', {class: 'error-cell', title: [f.code, f.error].filter(Boolean).join(': ')},
          f.code ? el('span', {class: 'code'}, f.code) : null, ' ', f.error),
        el('td', {class: 'mono small'}, f.worker))) : emptyRow(5, 'No failures while zpipe-web watched.'));
      paintAlerts();
    }

    life.onStatus((status, error) => {
      if (error) life.problem(error);
      else {
        life.problem(null);
        paintStatus(status);
      }
    });
    life.onLive(paintLive);
    // While the feed is down the page still shows it (the header says so too).
    const lostTimer = setInterval(() => {
      if (live.state === 'lost' || live.state === 'connecting') {
        liveNote.classList.add('warn');
        liveNote.textContent = live.last
          ? `The live feed is down (last update ${fmtRelative(live.lastAt)}); reconnecting. The counts above still refresh.`
          : 'Connecting to the live feed…';
      }
    }, 1000);
    life.cleanup(() => clearInterval(lostTimer));
    refreshStatus();
  }

  // The newest entry of a second that is over (the current one is still filling).
  function lastFullSecond(data) {
    const history = Array.isArray(data.history) ? data.history : [];
    const now = data.time_ms || Date.now();
    for (let i = history.length - 1; i >= 0; i--) {
      if (history[i].t + 1000 <= now) return history[i];
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------
  // The chart, drawn by hand: succeeded as an area, failed attempts as bars, 5 minutes.

  const CHART = {seconds: 300, height: 220, left: 46, right: 12, top: 12, bottom: 24,
    ok: '#15803d', okFill: 'rgba(21, 128, 61, 0.16)', bad: '#dc2626', grid: '#e5e7eb',
    axis: '#6b7280', font: '12px system-ui, sans-serif'};

  // A round top for the y axis and how many gridlines divide it into round steps:
  // 5 (1 2 3 4 5), 100 (20 40 ...), 200 (50 100 ...), 2,000 (500 ...).
  function niceScale(peak) {
    if (peak <= 5) return {top: 5, divisions: 5};
    const power = Math.pow(10, Math.floor(Math.log10(peak)));
    for (const [step, divisions] of [[1, 5], [2, 4], [5, 5], [10, 5]]) {
      if (step * power >= peak) return {top: step * power, divisions};
    }
    return {top: 10 * power, divisions: 5};
  }

  function makeChart(canvas, tip) {
    let history = [];
    let nowMs = Date.now();
    let hover = -1;
    let bins = [];
    let start = 0;

    function geometry() {
      const width = canvas.clientWidth || 600;
      return {width, height: CHART.height, plotW: width - CHART.left - CHART.right,
        plotH: CHART.height - CHART.top - CHART.bottom};
    }

    function draw() {
      const g = geometry();
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(g.width * dpr) || canvas.height !== Math.round(g.height * dpr)) {
        canvas.width = Math.round(g.width * dpr);
        canvas.height = Math.round(g.height * dpr);
      }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, g.width, g.height);
      ctx.font = CHART.font;

      // One bin a second, the newest the last full second.
      const end = Math.floor(nowMs / 1000) * 1000 - 1000;
      start = end - (CHART.seconds - 1) * 1000;
      bins = Array.from({length: CHART.seconds}, () => null);
      let drawn = 0;
      for (const entry of history) {
        const i = Math.round((entry.t - start) / 1000);
        if (i < 0 || i >= CHART.seconds) continue;
        bins[i] = {succeeded: entry.succeeded || 0, failed: entry.failed || 0};
        drawn++;
      }
      canvas.dataset.seconds = String(drawn);
      let peak = 0;
      for (const b of bins) if (b) peak = Math.max(peak, b.succeeded, b.failed);
      const {top, divisions} = niceScale(peak);
      const x = (i) => CHART.left + (i / (CHART.seconds - 1)) * g.plotW;
      const y = (v) => CHART.top + g.plotH - (v / top) * g.plotH;

      // Grid and labels.
      ctx.strokeStyle = CHART.grid;
      ctx.fillStyle = CHART.axis;
      ctx.lineWidth = 1;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (let k = 0; k <= divisions; k++) {
        const v = (top * k) / divisions;
        const yy = Math.round(y(v)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(CHART.left, yy);
        ctx.lineTo(CHART.left + g.plotW, yy);
        ctx.stroke();
        ctx.fillText(Number.isInteger(v) ? fmtInt(v) : String(v), CHART.left - 6, yy);
      }
      ctx.textBaseline = 'top';
      for (let m = 5; m >= 0; m--) {
        const i = CHART.seconds - 1 - m * 60;
        const xx = Math.max(x(Math.max(i, 0)), CHART.left);
        ctx.textAlign = m === 5 ? 'left' : m === 0 ? 'right' : 'center';
        ctx.fillText(m === 0 ? 'now' : `−${m} min`, xx, CHART.top + g.plotH + 6);
      }

      if (drawn === 0) {
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText('Nothing has finished while zpipe-web watched (the last 5 minutes).',
          CHART.left + g.plotW / 2, CHART.top + g.plotH / 2);
        return;
      }

      // Succeeded: an area over the seconds zpipe-web saw (a gap where it saw nothing).
      ctx.lineJoin = 'round';
      let i = 0;
      while (i < CHART.seconds) {
        if (!bins[i]) { i++; continue; }
        let j = i;
        while (j + 1 < CHART.seconds && bins[j + 1]) j++;
        ctx.beginPath();
        ctx.moveTo(x(i), y(0));
        for (let k = i; k <= j; k++) ctx.lineTo(x(k), y(bins[k].succeeded));
        ctx.lineTo(x(j), y(0));
        ctx.closePath();
        ctx.fillStyle = CHART.okFill;
        ctx.fill();
        ctx.beginPath();
        for (let k = i; k <= j; k++) {
          if (k === i) ctx.moveTo(x(k), y(bins[k].succeeded));
          else ctx.lineTo(x(k), y(bins[k].succeeded));
        }
        if (i === j) ctx.lineTo(x(i) + 1, y(bins[i].succeeded));
        ctx.strokeStyle = CHART.ok;
        ctx.lineWidth = 1.5;
        ctx.stroke();
        i = j + 1;
      }
      // Failed attempts: bars, so that a few stand out against many successes.
      const barW = Math.max(2, g.plotW / CHART.seconds);
      ctx.fillStyle = CHART.bad;
      bins.forEach((b, k) => {
        if (b && b.failed > 0) {
          const h = Math.max(2, y(0) - y(b.failed));
          ctx.fillRect(x(k) - barW / 2, y(0) - h, barW, h);
        }
      });

      if (hover >= 0) {
        ctx.strokeStyle = CHART.axis;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(Math.round(x(hover)) + 0.5, CHART.top);
        ctx.lineTo(Math.round(x(hover)) + 0.5, CHART.top + g.plotH);
        ctx.stroke();
      }
    }

    function showTip(event) {
      const g = geometry();
      const box = canvas.getBoundingClientRect();
      const px = event.clientX - box.left;
      const i = Math.round(((px - CHART.left) / g.plotW) * (CHART.seconds - 1));
      if (i < 0 || i >= CHART.seconds) return hideTip();
      hover = i;
      const b = bins[i];
      const at = start + i * 1000;
      tip.textContent = `${fmtTime(at)}  ·  ` +
        (b ? `${fmtInt(b.succeeded)} succeeded, ${fmtInt(b.failed)} failed` : 'not seen');
      tip.hidden = false;
      const left = Math.min(Math.max(px + 12, 0), g.width - tip.offsetWidth - 4);
      tip.style.left = `${left}px`;
      draw();
    }

    function hideTip() {
      hover = -1;
      tip.hidden = true;
      draw();
    }

    canvas.addEventListener('mousemove', showTip);
    canvas.addEventListener('mouseleave', hideTip);
    const resize = new ResizeObserver(() => draw());
    resize.observe(canvas);
    draw();
    return {
      set(h, now) {
        history = h;
        nowMs = now;
        draw();
      },
      stop() {
        resize.disconnect();
      },
    };
  }

  // ---------------------------------------------------------------------------------------
  // Workers

  function workersPage(main, params, _match, life) {
    const stamp = el('span', {class: 'muted stamp'});
    const summary = el('p', {class: 'summary'});
    const t = table([['Worker'], ['State'], ['Slots busy', 'num'], ['Running now'], ['For', 'num'],
      ['Done', 'num wide'], ['Failed', 'num wide'], ['Last heard', 'num'], ['Takes', 'takes'], app.readOnly ? null : ['']]
      .filter(Boolean), {bodyId: 'workers'});
    append(main, heading('Workers', stamp), summary, section(null, t.table),
      el('p', {class: 'muted small'}, 'Done and Failed count what the event hub has told zpipe-web since it started. ' +
        'Pause stops sending a worker jobs (it finishes those it has); Stop lets it finish them and exit.'));
    const holder = {};
    const refresh = life.poll(async () => {
      const answer = await getJson('/api/workers');
      if (!changed(holder, answer)) return updated(stamp);
      const list = Array.isArray(answer.workers) ? answer.workers : [];
      let slots = 0;
      let busy = 0;
      const rows = list.map((w) => {
        const lv = w.live && typeof w.live === 'object' ? w.live : null;
        const busySlots = lv && isNum(lv.busy_pct) ? Math.round((lv.busy_pct / 100) * (w.slots || 0))
          : Math.min(w.held || 0, w.slots || 0);
        slots += w.slots || 0;
        busy += busySlots;
        const state = String(w.state || (lv && lv.state) || 'unknown');
        const late = isNum(w.heard_ms_ago) && isNum(w.heartbeat_ms) && w.heard_ms_ago > 3 * w.heartbeat_ms;
        const name = String(w.name);
        const path = (verb) => `/api/workers/${encodeURIComponent(name)}/${verb}`;
        const takes = [
          Array.isArray(w.types) && w.types.length ? w.types.join(', ') : 'every type',
          Array.isArray(w.queues) && w.queues.length ? 'queues ' + w.queues.join(', ') : 'every queue',
        ].join(' · ');
        return el('tr', {data: {worker: name, state}},
          el('td', {class: 'mono'}, name, w.process ? el('span', {class: 'muted small'}, ' ' + w.process) : null),
          el('td', {data: {field: 'state'}}, badge(state)),
          num(el('span', {title: `${fmtInt(w.held)} jobs held (running or next in line)`},
            `${fmtInt(busySlots)} / ${fmtInt(w.slots)}`)),
          el('td', {}, lv && lv.job ? [jobLink(lv.job), ' ', el('span', {class: 'muted'}, lv.job_type || '')]
            : el('span', {class: 'muted'}, lv ? 'nothing' : dash)),
          num(lv && lv.job ? fmtDuration(lv.job_age_ms) : dash),
          num(lv ? fmtInt(lv.succeeded) : dash),
          num(lv ? fmtInt(lv.failed) : dash, lv && lv.failed > 0 ? 'bad' : ''),
          num(isNum(w.heard_ms_ago) ? (w.heard_ms_ago < 1000 ? 'just now' : fmtSpan(w.heard_ms_ago) + ' ago') : dash, late ? 'bad' : ''),
          el('td', {class: 'small muted takes', title: takes}, takes),
          app.readOnly ? null : el('td', {class: 'actions'},
            // The one that applies: the ventilator says `paused` of a worker that takes no jobs.
            state === 'paused'
              ? actionButton('Resume', 'resume', path('resume'), {done: `Resumed ${name}`, after: () => refresh()})
              : actionButton('Pause', 'pause', path('pause'), {done: `Paused ${name}: it gets no new jobs`, after: () => refresh()}),
            actionButton('Stop', 'stop', path('stop'), {kind: 'danger', okLabel: 'Stop it',
              confirm: `Stop worker ${name}? It finishes the jobs it runs, takes no more, and exits. ` +
                'Nothing restarts it from here.',
              done: `Stopping ${name}: it finishes its jobs and exits`, after: () => refresh()})));
      });
      fill(t, rows.length ? rows : emptyRow(10,
        'No worker is connected. Start one: zpipe worker --jobs-from tcp://HOST:5571 (zpipe up prints the line).'));
      summary.textContent = list.length
        ? `${plural(list.length, 'worker')}, ${fmtInt(busy)} of ${plural(slots, 'slot')} busy.`
        : '';
      updated(stamp);
      life.loaded();
    }, 2000);
  }

  // ---------------------------------------------------------------------------------------
  // Queues

  function queuesPage(main, params, _match, life) {
    const stamp = el('span', {class: 'muted stamp'});
    const q = table([['Queue'], ['Pending', 'num'], ['Running', 'num'], ['Scheduled', 'num'],
      ['Latency', 'num'], ['Dispatch'], app.readOnly ? null : ['']].filter(Boolean), {bodyId: 'queues'});
    const l = table([['Limit'], ['Running', 'num'], ['Waiting', 'num']], {bodyId: 'limits'});
    append(main, heading('Queues', stamp), section(null, q.table),
      el('p', {class: 'muted small'}, 'Latency: how long the oldest pending job has waited. A paused queue still accepts jobs; they wait until it is resumed.'),
      section('Dispatch limits', l.table));
    const holder = {};
    const refresh = life.poll(async () => {
      const answer = await getJson('/api/queues');
      if (!changed(holder, answer)) return updated(stamp);
      const queues = Array.isArray(answer.queues) ? answer.queues : [];
      fill(q, queues.length ? queues.map((queue) => {
        const name = String(queue.name);
        const path = (verb) => `/api/queues/${encodeURIComponent(name)}/${verb}`;
        return el('tr', {data: {queue: name}},
          el('td', {}, el('a', {href: '#/jobs' + query({queue: name})}, name)),
          num(fmtInt(queue.pending)), num(fmtInt(queue.running)), num(fmtInt(queue.scheduled)),
          num(queue.pending > 0 ? fmtDuration(queue.latency_ms) : dash),
          el('td', {data: {field: 'paused', value: queue.paused ? 'true' : 'false'}},
            queue.paused ? badge('paused') : badge('dispatching')),
          app.readOnly ? null : el('td', {class: 'actions'}, queue.paused
            ? actionButton('Resume', 'resume', path('resume'), {done: `Queue ${name} dispatches again`, after: () => refresh()})
            : actionButton('Pause', 'pause', path('pause'), {done: `Queue ${name} paused: its jobs wait`, after: () => refresh()})));
      }) : emptyRow(7, 'No queue holds a job yet (a queue appears with its first job).'));
      const limits = Array.isArray(answer.limits) ? answer.limits : [];
      fill(l, limits.length ? limits.map((limit) => el('tr', {data: {limit: limit.limit}},
        el('td', {class: 'mono'}, limit.limit), num(fmtInt(limit.running)),
        num(fmtInt(limit.waiting), limit.waiting > 0 ? 'warn' : ''))) :
        emptyRow(3, 'No dispatch limits (zpipe limit set TYPE=10/s adds one).'));
      updated(stamp);
      life.loaded();
    }, 3000);
  }

  // ---------------------------------------------------------------------------------------
  // Jobs: filters and keyset pages, all in the hash

  const JOB_FILTERS = ['id', 'type', 'queue', 'batch', 'status', 'from', 'to'];

  function toLocalInput(ms) {
    if (!ms || !/^\d+$/.test(ms)) return '';
    const d = new Date(Number(ms));
    return `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function fromLocalInput(value) {
    if (!value) return '';
    const ms = new Date(value).getTime();
    return Number.isFinite(ms) ? String(ms) : '';
  }

  function jobRows(jobs, options = {}) {
    return jobs.map((job) => {
      const state = recordedState(job.status);
      const run = isNum(job.finished_ms) && isNum(job.started_ms) && job.started_ms > 0 ? job.finished_ms - job.started_ms : null;
      const error = [job.error_code, job.error].filter(Boolean).join(': ');
      return el('tr', {data: {jobId: job.id, status: state}},
        options.select ? options.select(job) : null,
        el('td', {}, jobLink(job.id)),
        el('td', {}, job.type),
        options.queue === false ? null : el('td', {}, job.queue),
        options.status === false ? null : el('td', {data: {field: 'status'}}, badge(state)),
        num(isNum(job.attempt) ? `${job.attempt}${isNum(job.max_attempts) ? ' / ' + job.max_attempts : ''}` : dash),
        el('td', {class: 'error-cell', title: error || null}, job.error_code ? el('span', {class: 'code'}, job.error_code) : null,
          job.error ? ' ' + job.error : ''),
        el('td', {class: 'mono small'}, job.worker || dash),
        el('td', {class: 'nowrap num'}, timeCell(job.recorded_ms)),
        options.run === false ? null : num(fmtDuration(run)),
        options.extra ? options.extra(job) : null);
    });
  }

  function jobsPage(main, params, _match, life) {
    const value = (k) => params.get(k) || '';
    const typeList = el('datalist', {id: 'type-list'});
    const queueList = el('datalist', {id: 'queue-list'});
    const field = (label, input) => el('label', {class: 'field'}, el('span', {}, label), input);
    const form = el('form', {id: 'job-filter', class: 'filters', autocomplete: 'off'},
      field('Id', el('input', {name: 'id', type: 'search', value: value('id'), placeholder: 'id or its beginning', spellcheck: 'false'})),
      field('Type', el('input', {name: 'type', type: 'search', value: value('type'), list: 'type-list', spellcheck: 'false'})),
      field('Queue', el('input', {name: 'queue', type: 'search', value: value('queue'), list: 'queue-list', spellcheck: 'false'})),
      field('Status', el('select', {name: 'status'},
        ['', 'succeeded', 'dead', 'cancelled'].map((s) => el('option', {value: s, selected: s === value('status')}, s || 'any')))),
      field('Recorded from', el('input', {name: 'from', type: 'datetime-local', value: toLocalInput(value('from'))})),
      field('to', el('input', {name: 'to', type: 'datetime-local', value: toLocalInput(value('to'))})),
      value('batch') ? el('input', {name: 'batch', type: 'hidden', value: value('batch')}) : null,
      el('div', {class: 'filter-buttons'},
        el('button', {type: 'submit', class: 'primary'}, 'Search'),
        el('a', {href: '#/jobs', class: 'button'}, 'Clear')),
      typeList, queueList);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const next = {};
      for (const k of JOB_FILTERS) {
        let v = String(data.get(k) || '').trim();
        if (k === 'from' || k === 'to') v = fromLocalInput(v);
        if (v) next[k] = v;
      }
      setHash('/jobs', next);
    });

    const t = table([['Id'], ['Type'], ['Queue', 'wide'], ['Status'], ['Attempts', 'num wide'], ['Error'],
      ['Worker', 'wide'], ['Recorded', 'num'], ['Run time', 'num']], {bodyId: 'jobs', class: 'jobs'});
    const first = el('button', {type: 'button', id: 'first-page', on: {click: () => {
      const next = Object.fromEntries(params);
      delete next.before;
      setHash('/jobs', next);
    }}}, '« First page');
    const nextButton = el('button', {type: 'button', id: 'next-page'}, 'Next page »');
    const refreshButton = el('button', {type: 'button', id: 'refresh', on: {click: () => load()}}, 'Refresh');
    const info = el('span', {class: 'muted'});
    const pager = el('div', {class: 'pager'}, first, nextButton, refreshButton, info);
    first.disabled = !params.get('before');
    nextButton.disabled = true;

    const filtersText = JOB_FILTERS.filter((k) => params.get(k)).map((k) =>
      `${k} ${k === 'from' || k === 'to' ? fmtTime(Number(params.get(k))) : params.get(k)}`).join(', ');
    append(main, heading('Jobs', el('span', {class: 'muted stamp'}, 'recorded outcomes, newest first')),
      section(null, form), section(null, t.table, pager));

    async function load() {
      const api = {};
      for (const k of [...JOB_FILTERS, 'before']) if (params.get(k)) api[k] = params.get(k);
      api.limit = params.get('limit') || 50;
      try {
        const answer = await getJson('/api/jobs' + query(api));
        const jobs = Array.isArray(answer.jobs) ? answer.jobs : [];
        fill(t, jobs.length ? jobRows(jobs) : emptyRow(9,
          filtersText ? `No recorded job matches ${filtersText}.` : 'No job has been recorded yet.'));
        nextButton.disabled = !answer.next;
        nextButton.onclick = answer.next ? () => setHash('/jobs', {...Object.fromEntries(params), before: answer.next}) : null;
        info.textContent = `${plural(jobs.length, 'job')} on this page` + (filtersText ? ` · ${filtersText}` : '') +
          (answer.next ? '' : ' · the last page');
        life.problem(null);
        life.loaded();
      } catch (e) {
        if (e.status !== 401) {
          fill(t, emptyRow(9, `The search failed: ${e.message}`));
          info.textContent = '';
        }
      }
    }
    load();
    // Suggestions for the type and queue boxes.
    life.onStatus((status) => {
      if (!status) return;
      replace(typeList, Object.keys(status.by_type || {}).sort().map((type) => el('option', {value: type})));
    });
    getJson('/api/queues').then((answer) => {
      replace(queueList, (answer.queues || []).map((queue) => el('option', {value: queue.name})));
    }).catch(() => {});
  }

  // ---------------------------------------------------------------------------------------
  // One job

  const ACTIVE = new Set(['pending', 'scheduled', 'running', 'retrying']);

  function describeNow(now) {
    if (!now || typeof now !== 'object') {
      return 'not held by the ventilator (over long ago, discarded, or never this pipeline\'s)';
    }
    const of = isNum(now.attempt) && now.attempt > 0 ? `attempt ${now.attempt} of ${now.max_attempts}` : '';
    const when = (ms) => `${fmtTime(ms)} (${fmtRelative(ms)})`;
    switch (now.state) {
      case 'pending': return `waits for a worker${of ? ` (${of})` : ''}`;
      case 'running': return `at ${now.worker || 'a worker'}, running or next in line there${of ? ` (${of})` : ''}`;
      case 'retrying': return `waits to be retried at ${when(now.due_ms)}${of ? `, ${of}` : ''}`;
      case 'scheduled': return `scheduled for ${when(now.due_ms)}`;
      case 'succeeded': return `succeeded${of ? ` (${of})` : ''}`;
      case 'dead': return `dead after ${of || 'its last attempt'}: retry it to run it again`;
      case 'cancelled': return 'cancelled';
      default: return String(now.state || 'unknown');
    }
  }

  function pre(id, value, className) {
    return el('pre', {id, class: 'code-block ' + (className || '')}, typeof value === 'string' ? value : pretty(value));
  }

  function jobPage(main, params, match, life) {
    const id = match[0];
    const holder = {};
    const box = el('div', {id: 'job', data: {jobId: id}});
    append(main, box);
    const refresh = life.poll(async () => {
      let job;
      try {
        job = await getJson('/api/jobs/' + encodeURIComponent(id));
      } catch (e) {
        if (e.status === 404) {
          if (changed(holder, {missing: e.message})) {
            replace(box, heading('Job ', el('code', {}, id)),
              el('p', {class: 'empty'}, `Nothing knows job ${id}: ${e.message}`),
              el('p', {}, el('a', {href: '#/jobs' + query({id})}, 'Search for ids that begin so')));
          }
          life.loaded();
          return;
        }
        throw e;
      }
      if (!changed(holder, job)) return;
      paintJob(job);
      life.loaded();
    }, 2000);

    function paintJob(job) {
      const now = job.now && typeof job.now === 'object' ? job.now : null;
      const state = now && now.state && now.state !== 'unknown' ? now.state : recordedState(job.status) || 'unknown';
      box.dataset.state = state;
      const recorded = typeof job.status === 'string';
      const path = (verb) => `/api/jobs/${encodeURIComponent(id)}/${verb}`;
      const after = () => refresh();
      const actions = el('div', {class: 'actions'},
        state === 'dead' ? [
          actionButton('Retry', 'retry', path('retry'), {kind: 'primary', done: `Job ${id} queued again with a fresh round of attempts`, after}),
          actionButton('Discard', 'discard', path('discard'), {kind: 'danger', okLabel: 'Discard',
            confirm: `Discard dead job ${id}? The ventilator forgets it; its last outcome stays in the store.`,
            done: `Job ${id} discarded`, after}),
        ] : null,
        ACTIVE.has(state) ? actionButton('Cancel', 'cancel', path('cancel'), {kind: 'danger', okLabel: 'Cancel the job',
          confirm: `Cancel job ${id}? ${state === 'running' ? 'Its worker stops it; ' : ''}it is recorded as cancelled and not retried.`,
          done: `Job ${id}: cancel asked`, after}) : null);

      const facts = [];
      const fact = (label, ...value) => facts.push(el('dt', {}, label), el('dd', {}, ...value));
      fact('Now', el('span', {id: 'job-now'}, describeNow(now)));
      if (job.type) fact('Type', el('a', {href: '#/jobs' + query({type: job.type})}, job.type));
      if (job.queue) fact('Queue', job.queue);
      if (isNum(job.attempt) || (now && isNum(now.attempt))) {
        const a = isNum(job.attempt) ? job.attempt : now.attempt;
        const m = isNum(job.max_attempts) ? job.max_attempts : now && now.max_attempts;
        fact('Attempts', `${a}${isNum(m) ? ' of ' + m : ''}`);
      }
      if (job.worker) fact('Last worker', el('span', {class: 'mono'}, job.worker));
      if (isNum(job.created_ms)) fact('Created', timeCell(job.created_ms), ' ', el('span', {class: 'muted'}, fmtRelative(job.created_ms)));
      if (isNum(job.started_ms) && job.started_ms > 0) fact('Last started', timeCell(job.started_ms));
      if (isNum(job.finished_ms) && job.finished_ms > 0) {
        fact('Finished', timeCell(job.finished_ms), isNum(job.started_ms) && job.started_ms > 0
          ? el('span', {class: 'muted'}, ` after ${fmtDuration(job.finished_ms - job.started_ms)}`) : null);
      }
      if (isNum(job.recorded_ms)) fact('Recorded', timeCell(job.recorded_ms));
      if (job.parent) fact('Parent', el('span', {id: 'job-parent'}, jobLink(job.parent)));
      if (job.batch) fact('Batch', el('a', {id: 'job-batch', href: batchHref(job.batch), class: 'mono'}, job.batch));
      if (Array.isArray(job.children) && job.children.length) {
        fact('Made', el('ul', {id: 'job-children', class: 'plain'}, job.children.map((child) =>
          el('li', {data: {jobId: child.id}}, jobLink(child.id), ' ', child.type ? el('span', {class: 'muted'}, child.type) : null,
            ' ', badge(child.state)))));
      }

      const parts = [
        heading(el('span', {}, 'Job ', el('code', {class: 'job-id'}, id)), el('span', {id: 'job-state'}, badge(state))),
        el('div', {class: 'job-top'}, el('dl', {class: 'facts'}, facts), actions),
      ];
      if (job.error || job.error_code) {
        parts.push(section('Error', el('p', {}, job.error_code ? el('span', {class: 'code'}, job.error_code) : null),
          pre('job-error', job.error || '', 'error-text')));
      }
      const result = job.result;
      const output = result && typeof result === 'object' && ('stdout' in result || 'stderr' in result);
      if (output) {
        const rest = Object.entries(result).filter(([k]) => !/^std(out|err)(_truncated)?$/.test(k));
        parts.push(section('Output',
          el('p', {class: 'muted', id: 'job-output-facts'}, rest.map(([k, v]) =>
            `${k.replace(/_/g, ' ')} ${v === null ? dash : typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')),
          el('h3', {}, 'stdout', result.stdout_truncated ? ' (cut short)' : ''), pre('job-output-stdout', result.stdout || ''),
          el('h3', {}, 'stderr', result.stderr_truncated ? ' (cut short)' : ''), pre('job-output-stderr', result.stderr || '', 'error-text')));
      }
      if (recorded && !output && (state === 'succeeded' || (result !== null && result !== undefined))) {
        parts.push(section('Result', result === null || result === undefined
          ? el('p', {id: 'job-result', class: 'muted'}, state === 'succeeded' ? 'No result.' : 'No result: it did not succeed.')
          : pre('job-result', result)));
      }
      parts.push(section('Payload', job.payload === null || job.payload === undefined
        ? el('p', {id: 'job-payload', class: 'muted'}, 'Not recorded yet: the store keeps the payload with the job\'s first outcome.')
        : pre('job-payload', job.payload)));

      const attempts = Array.isArray(job.attempts) ? job.attempts : [];
      const at = table([['#', 'num'], ['Worker'], ['Started', 'num'], ['Finished', 'num'], ['Run time', 'num'],
        ['CPU', 'num'], ['Peak memory', 'num'], ['Status']], {bodyId: 'attempts', class: 'attempts'});
      fill(at, attempts.length ? attempts.map((a) => [
        el('tr', {data: {attempt: a.attempt, status: a.status}, class: a.error || a.error_code ? 'has-sub' : null},
          num(fmtInt(a.attempt)),
          el('td', {class: 'mono small'}, a.worker || dash),
          el('td', {class: 'num nowrap'}, timeCell(a.started_ms)),
          el('td', {class: 'num nowrap'}, timeCell(a.finished_ms)),
          num(isNum(a.run_us) ? fmtDuration(a.run_us / 1000) : dash),
          num(isNum(a.cpu_us) && a.cpu_us > 0 ? fmtDuration(a.cpu_us / 1000) : dash),
          num(fmtMemoryKb(a.max_rss_kb)),
          el('td', {}, badge(a.status))),
        a.error || a.error_code ? el('tr', {class: 'sub', data: {attemptError: a.attempt}},
          el('td', {}), el('td', {colspan: 7, class: 'error-cell wrap'},
            a.error_code ? el('span', {class: 'code'}, a.error_code) : null, a.error ? ' ' + a.error : '')) : null,
      ]) : emptyRow(8, 'No attempt recorded yet.'));
      parts.push(section('Attempts', at.table,
        el('p', {class: 'muted small'}, 'CPU and peak memory are measured for jobs run in a process of their own (zpipe worker --isolate); a dash where they were not.')));
      replace(box, parts);
      document.title = `Job ${id} · zpipe`;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Dead jobs

  function deadPage(main, params, _match, life) {
    const stamp = el('span', {class: 'muted stamp'});
    const selected = new Set();
    const acted = new Map(); // id -> what was asked, until the store says otherwise
    const summary = el('p', {class: 'summary', id: 'dead-summary'});
    const selectAll = app.readOnly ? null : el('input', {type: 'checkbox', id: 'select-all', 'aria-label': 'Select every job shown'});
    const typeSelect = el('select', {id: 'dead-type', 'aria-label': 'Type'});
    let shown = [];
    let deadByType = {};
    let deadTotal = 0;

    const countSelected = () => selected.size;
    const typeName = () => typeSelect.value;
    const after = (verb) => (answer) => {
      const ids = Array.isArray(answer.ids) ? answer.ids : null;
      for (const id of ids || []) acted.set(id, verb);
      selected.clear();
      refreshStatus().then(() => refresh());
    };
    const bulk = (verb, label) => [
      actionButton(`${label} selected`, `${verb}-selected`, '/api/dead/' + verb, {
        kind: verb === 'discard' ? 'danger' : 'primary',
        body: () => ({ids: [...selected]}),
        confirm: () => countSelected() ? `${label} the ${plural(countSelected(), 'selected dead job')}?` +
          (verb === 'discard' ? ' The ventilator forgets them; their last outcome stays in the store.' : '') : null,
        okLabel: label,
        done: () => `${label === 'Retry' ? 'Retried' : 'Discarded'} the selected jobs`,
        after: (answer) => {
          if (!Array.isArray(answer.ids)) for (const id of selected) acted.set(id, verb);
          after(verb)(answer);
        },
      }),
    ];
    const ofType = (verb, label) => actionButton(`${label} all of this type`, `${verb}-type`,
      () => (typeName() ? '/api/dead/' + verb : null), {
        kind: verb === 'discard' ? 'danger' : '',
        body: () => ({type: typeName()}),
        confirm: () => typeName() ? `${label} all ${plural(deadByType[typeName()] || 0, 'dead job')} of type ${typeName()}?` : null,
        okLabel: label,
        done: () => `${label === 'Retry' ? 'Retried' : 'Discarded'} the dead jobs of type ${typeName()}`,
        after: after(verb),
      });
    const all = (verb, label) => actionButton(`${label} all`, `${verb}-all`, '/api/dead/' + verb, {
      kind: 'danger',
      body: {all: true},
      confirm: () => `${label} all ${plural(deadTotal, 'dead job')}?` +
        (verb === 'discard' ? ' The ventilator forgets them; their last outcomes stay in the store.' : ' Each runs again with a fresh round of attempts.'),
      okLabel: `${label} all`,
      done: `${label === 'Retry' ? 'Retried' : 'Discarded'} every dead job`,
      after: after(verb),
    });

    const toolbar = app.readOnly ? null : el('div', {class: 'toolbar'},
      el('div', {class: 'group'}, bulk('retry', 'Retry'), bulk('discard', 'Discard')),
      el('div', {class: 'group'}, el('label', {for: 'dead-type', class: 'muted'}, 'Of type'), typeSelect,
        ofType('retry', 'Retry'), ofType('discard', 'Discard')),
      el('div', {class: 'group'}, all('retry', 'Retry'), all('discard', 'Discard')));
    const t = table([app.readOnly ? null : [selectAll], ['Id'], ['Type'], ['Queue', 'wide'], ['Attempts', 'num wide'],
      ['Error'], ['Worker', 'wide'], ['Died', 'num'], ['']].filter(Boolean), {bodyId: 'dead', class: 'dead'});
    const more = el('div', {class: 'pager'});
    append(main, heading('Dead jobs', stamp), summary, toolbar, section(null, t.table, more));

    function syncButtons() {
      for (const b of main.querySelectorAll('[data-action$="-selected"]')) {
        b.disabled = selected.size === 0;
        b.textContent = b.dataset.action.startsWith('retry') ? `Retry selected (${selected.size})` : `Discard selected (${selected.size})`;
      }
      for (const b of main.querySelectorAll('[data-action$="-type"]')) b.disabled = !typeName();
      for (const b of main.querySelectorAll('[data-action$="-all"]')) b.disabled = deadTotal === 0;
      if (selectAll) {
        const ids = shown.map((j) => j.id);
        selectAll.checked = ids.length > 0 && ids.every((id) => selected.has(id));
        selectAll.indeterminate = !selectAll.checked && ids.some((id) => selected.has(id));
      }
    }
    if (selectAll) {
      selectAll.addEventListener('change', () => {
        for (const job of shown) {
          if (selectAll.checked) selected.add(job.id);
          else selected.delete(job.id);
        }
        for (const box of t.body.querySelectorAll('input[data-select]')) box.checked = selectAll.checked;
        syncButtons();
      });
    }
    typeSelect.addEventListener('change', syncButtons);

    const before = params.get('before');
    const holder = {};
    const refresh = life.poll(async () => {
      const answer = await getJson('/api/jobs' + query({status: 'dead', limit: 100, before}));
      const status = app.status; // the header's loop keeps it fresh
      if (status) {
        deadByType = {};
        for (const [type, c] of Object.entries(status.by_type || {})) if (c.dead > 0) deadByType[type] = c.dead;
        deadTotal = status.dead || 0;
      }
      if (!changed(holder, {answer, deadByType, deadTotal, acted: [...acted]})) {
        updated(stamp);
        return;
      }
      shown = Array.isArray(answer.jobs) ? answer.jobs : [];
      const keep = typeSelect.value;
      replace(typeSelect, el('option', {value: ''}, 'choose a type'),
        Object.entries(deadByType).sort(([a], [b]) => a.localeCompare(b))
          .map(([type, n]) => el('option', {value: type, selected: type === keep}, `${type} (${fmtInt(n)})`)));
      fill(t, shown.length ? jobRows(shown, {
        status: false, run: false,
        select: app.readOnly ? null : (job) => el('td', {class: 'check'}, el('input', {
          type: 'checkbox', checked: selected.has(job.id), 'aria-label': `Select ${job.id}`, data: {select: job.id},
          on: {change: (event) => {
            if (event.target.checked) selected.add(job.id);
            else selected.delete(job.id);
            syncButtons();
          }},
        })),
        extra: (job) => el('td', {class: 'small'}, acted.has(job.id)
          ? el('span', {class: 'muted', data: {acted: acted.get(job.id)}}, acted.get(job.id) === 'retry' ? 'retry asked' : 'discarded')
          : null),
      }) : emptyRow(9, before ? 'No more dead jobs.' : 'No dead jobs. Every job that ended either succeeded or was cancelled.'));
      for (const row of t.body.querySelectorAll('tr[data-job-id]')) {
        if (acted.has(row.dataset.jobId)) row.classList.add('acted');
      }
      summary.textContent = `${plural(deadTotal, 'dead job')} held by the ventilator` +
        (Object.keys(deadByType).length ? ` (${Object.entries(deadByType).map(([k, n]) => `${k}: ${fmtInt(n)}`).join(', ')})` : '') +
        `. Below: the ${before ? 'older ' : ''}dead jobs the store recorded, newest first.`;
      replace(more, before ? el('button', {type: 'button', id: 'first-page', on: {click: () => setHash('/dead')}}, '« First page') : null,
        answer.next ? el('button', {type: 'button', id: 'next-page', on: {click: () => setHash('/dead', {before: answer.next})}}, 'Next page »') : null);
      syncButtons();
      updated(stamp);
      life.loaded();
    }, 5000);
  }

  // ---------------------------------------------------------------------------------------
  // Scheduled jobs and recurring schedules

  function scheduledPage(main, params, _match, life) {
    const stamp = el('span', {class: 'muted stamp'});
    const jobsNote = el('p', {class: 'muted small'});
    const j = table([['Id'], ['Type'], ['Queue', 'wide'], ['Why'], ['Due', 'num wide'], ['In', 'num'], app.readOnly ? null : ['']].filter(Boolean),
      {bodyId: 'scheduled'});
    const s = table([['Name'], ['When'], ['Job type'], ['Queue', 'wide'], ['Next run', 'num'], ['Last run', 'num wide'], ['Last job'],
      app.readOnly ? null : ['']].filter(Boolean), {bodyId: 'schedules'});
    append(main, heading('Scheduled', stamp),
      section('Jobs waiting for a time', j.table, jobsNote),
      section('Recurring schedules', s.table));
    const holder = {};
    const refresh = life.poll(async () => {
      const [scheduled, schedules] = await Promise.all([getJson('/api/scheduled?limit=200'), getJson('/api/schedules')]);
      if (!changed(holder, {scheduled, schedules})) {
        updated(stamp);
        return;
      }
      const now = Date.now();
      const jobs = Array.isArray(scheduled.jobs) ? scheduled.jobs : [];
      fill(j, jobs.length ? jobs.map((job) => {
        const id = String(job.id);
        const path = (verb) => `/api/scheduled/${encodeURIComponent(id)}/${verb}`;
        return el('tr', {data: {jobId: id}},
          el('td', {}, jobLink(id)), el('td', {}, job.type), el('td', {}, job.queue),
          el('td', {}, job.attempt > 1 ? badge('retrying', `retry, attempt ${job.attempt}`) : badge('scheduled', 'delayed')),
          el('td', {class: 'num nowrap'}, timeCell(job.due_ms)),
          num(isNum(job.due_ms) ? fmtRelative(job.due_ms, now) : dash),
          app.readOnly ? null : el('td', {class: 'actions'},
            actionButton('Run now', 'run', path('run'), {done: `Job ${id} waits no more`, after: () => refresh()}),
            actionButton('Delete', 'delete', path('delete'), {kind: 'danger', okLabel: 'Delete',
              confirm: `Delete scheduled job ${id}? It is cancelled and never runs.`,
              done: `Job ${id} cancelled`, after: () => refresh()})));
      }) : emptyRow(7, 'No job waits for a time.'));
      jobsNote.textContent = isNum(scheduled.total) && scheduled.total > jobs.length
        ? `The ${fmtInt(jobs.length)} soonest of ${fmtInt(scheduled.total)}.` : '';
      const list = Array.isArray(schedules.schedules) ? schedules.schedules : [];
      fill(s, list.length ? list.map((schedule) => {
        const name = String(schedule.name);
        const path = (verb) => `/api/schedules/${encodeURIComponent(name)}/${verb}`;
        const job = schedule.job || {};
        const when = isNum(schedule.every_ms) && schedule.every_ms > 0 ? `every ${fmtInterval(schedule.every_ms)}`
          : schedule.cron ? el('span', {}, 'cron ', el('code', {}, schedule.cron)) : dash;
        return el('tr', {data: {schedule: name}},
          el('td', {}, name), el('td', {class: 'nowrap'}, when), el('td', {}, job.type || dash), el('td', {}, job.queue || dash),
          el('td', {class: 'num nowrap', title: fmtRelative(schedule.next_run_ms, now)}, timeCell(schedule.next_run_ms),
            el('span', {class: 'muted small'}, isNum(schedule.next_run_ms) ? ' ' + fmtRelative(schedule.next_run_ms, now) : '')),
          el('td', {class: 'num nowrap'}, schedule.last_run_ms > 0 ? timeCell(schedule.last_run_ms, true) : el('span', {class: 'muted'}, 'never')),
          el('td', {}, schedule.last_job_id ? jobLink(schedule.last_job_id) : el('span', {class: 'muted'}, dash)),
          app.readOnly ? null : el('td', {class: 'actions'},
            actionButton('Run now', 'run', path('run'), {done: (a) => `Schedule ${name} submitted its job` + (a && typeof a.job === 'string' ? ` ${a.job}` : ''),
              after: () => refresh()}),
            actionButton('Delete', 'delete', path('delete'), {kind: 'danger', okLabel: 'Delete',
              confirm: `Delete the recurring schedule ${name}? Jobs it submitted already go on.`,
              done: `Schedule ${name} removed`, after: () => refresh()})));
      }) : emptyRow(8, 'No recurring schedules (zpipe schedule add NAME --every 5m TYPE adds one).'));
      updated(stamp);
      life.loaded();
    }, 5000);
  }

  // ---------------------------------------------------------------------------------------
  // Metrics per type

  function metricsPage(main, params, _match, life) {
    const windowName = params.get('window') === '1d' ? '1d' : '1h';
    const stamp = el('span', {class: 'muted stamp'});
    const toggle = el('div', {class: 'toggle', role: 'group', 'aria-label': 'Window'},
      [['1h', 'Last hour'], ['1d', 'Last day']].map(([w, label]) => el('button', {
        type: 'button', data: {window: w}, 'aria-pressed': w === windowName ? 'true' : 'false',
        on: {click: () => setHash('/metrics', {window: w})},
      }, label)));
    const t = table([['Type'], ['Jobs', 'num'], ['Succeeded', 'num wide'], ['Dead', 'num'], ['Cancelled', 'num wide'],
      ['Failed attempts', 'num wide'], ['Failure rate', 'num'], ['p50', 'num'], ['p95', 'num'], ['p99', 'num'],
      ['Mean CPU', 'num wide'], ['Peak memory', 'num']], {bodyId: 'metrics', class: 'metrics'});
    const since = el('p', {class: 'muted small'});
    append(main, heading('Metrics by type', toggle, stamp), section(null, t.table, since));
    const holder = {};
    life.poll(async () => {
      const answer = await getJson('/api/metrics' + query({window: windowName}));
      if (!changed(holder, answer)) return updated(stamp);
      const types = Array.isArray(answer.types) ? answer.types : [];
      fill(t, types.length ? types.map((m) => {
        const run = m.run_ms || {};
        const rate = m.failure_rate;
        return el('tr', {data: {type: m.type}},
          el('td', {}, el('a', {href: '#/jobs' + query({type: m.type})}, m.type)),
          num(fmtInt(m.jobs)), num(fmtInt(m.succeeded)), num(fmtInt(m.dead), m.dead > 0 ? 'bad' : ''),
          num(fmtInt(m.cancelled)), num(fmtInt(m.failed_attempts)),
          num(fmtPercent(rate), rate >= 0.2 ? 'bad' : rate >= 0.05 ? 'warn' : ''),
          num(fmtDuration(run.p50)), num(fmtDuration(run.p95)), num(fmtDuration(run.p99)),
          num(fmtDuration(m.cpu_ms_mean)), num(fmtMemoryKb(m.max_rss_kb)));
      }) : emptyRow(12, `No job was recorded in the last ${windowName === '1h' ? 'hour' : 'day'}.`));
      since.textContent = (isNum(answer.since_ms) ? `Jobs recorded since ${fullTime(answer.since_ms)}. ` : '') +
        'Run time percentiles over the attempts; CPU and peak memory where the worker measured them (--isolate).';
      updated(stamp);
      life.loaded();
    }, 30000);
  }

  // ---------------------------------------------------------------------------------------
  // Batches

  function progressBar(b) {
    const total = b.total || 0;
    const ended = (b.succeeded || 0) + (b.dead || 0) + (b.cancelled || 0);
    const bar = el('div', {class: 'progress', role: 'img', data: {done: ended, total},
      'aria-label': `${ended} of ${total} ended`,
      title: `${fmtInt(b.succeeded)} succeeded, ${fmtInt(b.dead)} dead, ${fmtInt(b.cancelled)} cancelled, ` +
        `${fmtInt(b.running)} running, ${fmtInt(b.pending)} pending`});
    for (const [key, css] of [['succeeded', 'ok'], ['dead', 'bad'], ['cancelled', 'muted'], ['running', 'run']]) {
      if (total > 0 && b[key] > 0) {
        const part = el('span', {class: 'seg ' + css});
        part.style.width = `${(100 * b[key]) / total}%`;
        bar.appendChild(part);
      }
    }
    return el('div', {class: 'progress-cell'}, bar,
      el('span', {class: 'progress-text'}, total > 0 ? `${fmtInt(ended)} / ${fmtInt(total)}` : 'no jobs yet'));
  }

  function batchesPage(main, params, _match, life) {
    const stamp = el('span', {class: 'muted stamp'});
    const t = table([['Batch'], ['Description'], ['State'], ['Progress'], ['Succeeded', 'num wide'], ['Dead', 'num'],
      ['Cancelled', 'num wide'], ['Running', 'num wide'], ['Pending', 'num wide'], ['Created', 'num'], ['Finished', 'num']],
    {bodyId: 'batches', class: 'batches'});
    append(main, heading('Batches', stamp), section(null, t.table));
    const holder = {};
    life.poll(async () => {
      const answer = await getJson('/api/batches?limit=100');
      if (!changed(holder, answer)) return updated(stamp);
      const list = Array.isArray(answer.batches) ? answer.batches : [];
      fill(t, list.length ? list.map((b) => el('tr', {data: {batchId: b.id, state: b.state}},
        el('td', {}, el('a', {href: batchHref(b.id), class: 'mono'}, b.id)),
        el('td', {class: 'desc'}, b.description || el('span', {class: 'muted'}, dash)),
        el('td', {}, badge(b.state)),
        el('td', {}, progressBar(b)),
        num(fmtInt(b.succeeded)), num(fmtInt(b.dead), b.dead > 0 ? 'bad' : ''), num(fmtInt(b.cancelled)),
        num(fmtInt(b.running)), num(fmtInt(b.pending)),
        el('td', {class: 'num nowrap'}, timeCell(b.created_ms)),
        el('td', {class: 'num nowrap'}, b.finished_ms > 0 ? timeCell(b.finished_ms) : el('span', {class: 'muted'}, dash))))
        : emptyRow(11, 'No batches (zpipe batch submit --jsonl FILE makes one).'));
      updated(stamp);
      life.loaded();
    }, 3000);
  }

  function batchPage(main, params, match, life) {
    const id = match[0];
    const box = el('div', {id: 'batch', data: {batchId: id}});
    const jobsTable = table([['Id'], ['Type'], ['Queue', 'wide'], ['Status'], ['Attempts', 'num wide'], ['Error'],
      ['Worker', 'wide'], ['Recorded', 'num'], ['Run time', 'num']], {bodyId: 'batch-jobs', class: 'jobs'});
    const jobsNote = el('p', {class: 'muted small'});
    append(main, box, section('Recorded jobs of the batch', jobsTable.table, jobsNote));
    const holder = {};
    life.poll(async () => {
      let batch;
      try {
        batch = await getJson('/api/batches/' + encodeURIComponent(id));
      } catch (e) {
        if (e.status !== 404) throw e;
        replace(box, heading('Batch ', el('code', {}, id)), el('p', {class: 'empty'}, e.message));
        life.loaded();
        return;
      }
      const jobs = await getJson('/api/jobs' + query({batch: id, limit: 50}));
      if (!changed(holder, {batch, jobs})) return;
      const facts = [];
      const fact = (label, ...value) => facts.push(el('dt', {}, label), el('dd', {}, ...value));
      if (batch.description) fact('Description', batch.description);
      fact('State', badge(batch.state), batch.state === 'open' ? el('span', {class: 'muted'}, ' jobs may still join (zpipe batch seal says they are all in)') : null);
      fact('Progress', progressBar(batch));
      fact('Jobs', `${fmtInt(batch.pending)} pending, ${fmtInt(batch.running)} running, ${fmtInt(batch.succeeded)} succeeded, ` +
        `${fmtInt(batch.dead)} dead, ${fmtInt(batch.cancelled)} cancelled`);
      fact('Created', timeCell(batch.created_ms));
      if (batch.finished_ms > 0) fact('Finished', timeCell(batch.finished_ms));
      for (const [key, label] of [['on_complete', 'On complete'], ['on_success', 'On success']]) {
        const callback = batch[key];
        if (callback && callback.id) fact(label, jobLink(callback.id), ' ', callback.state ? badge(callback.state) : null);
      }
      if (Array.isArray(batch.dead_ids) && batch.dead_ids.length) {
        fact('Dead', el('ul', {class: 'plain inline'}, batch.dead_ids.map((d) => el('li', {}, jobLink(d)))));
      }
      replace(box, heading(el('span', {}, 'Batch ', el('code', {}, id))), section(null, el('dl', {class: 'facts'}, facts)));
      const list = Array.isArray(jobs.jobs) ? jobs.jobs : [];
      fill(jobsTable, list.length ? jobRows(list) : emptyRow(9, 'None of its jobs is recorded yet.'));
      replace(jobsNote, list.length && jobs.next
        ? ['The newest 50. ', el('a', {href: '#/jobs' + query({batch: id})}, 'All of them on the Jobs page')] : '');
      life.loaded();
    }, 3000);
  }

  // ---------------------------------------------------------------------------------------
  // The login page shares this file: it only says when a token was refused.

  function loginPage() {
    const params = new URLSearchParams(location.search);
    if (params.has('error') || params.has('failed')) $('#login-error').hidden = false;
    // A page request sent here by the server keeps its #/page: go back there once signed in.
    if (location.hash.startsWith('#/')) {
      try {
        sessionStorage.setItem('zpipe.after_login', location.hash);
      } catch (e) { /* no storage: the overview it is */ }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Start

  function start() {
    if (document.body.dataset.page === 'login') return loginPage();
    let back = '';
    try {
      back = sessionStorage.getItem('zpipe.after_login') || '';
      sessionStorage.removeItem('zpipe.after_login');
    } catch (e) { /* no storage */ }
    if (back && (!location.hash || location.hash === '#/') && back.startsWith('#/')) {
      history.replaceState(null, '', back);
    }
    const dead = el('span', {class: 'nav-count', data: {navCount: 'dead'}, hidden: true});
    $('nav a[data-nav=dead]').appendChild(dead);
    window.addEventListener('hashchange', route);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refreshStatus();
    });
    connectLive();
    // The first status says whether to show buttons: wait for it (briefly) before painting.
    const go = () => {
      if (!app.started) {
        app.started = true;
        route();
      }
    };
    statusListeners.add(function first() {
      statusListeners.delete(first);
      go();
    });
    setTimeout(go, 1500);
    refreshStatus();
  }

  start();
})();
