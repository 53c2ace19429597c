'use strict';
// Bounded soak of mixed load against the example service: quote calls from several workers while
// the backend's chaos toggles between healthy, failing and slow, probe and scrape requests, and
// WebSocket connect/disconnect churn (clean closes and abrupt drops). Stops at the deadline or at
// the request bound, whichever comes first, heals the backend, and prints one JSON summary line.
// Usage: node soak.js BASE_URL SECONDS MAX_REQUESTS SLOW_MS
const WebSocket = require('ws');
const { requireLoopback, request, problemDefects, sleep } = require('./common');

const [baseUrl, secondsArg, maxArg, slowArg] = process.argv.slice(2);
requireLoopback(baseUrl);
const seconds = Number(secondsArg);
const maxRequests = Number(maxArg);
const slowMs = Number(slowArg);
const wsUrl = baseUrl.replace(/^http/, 'ws') + '/ws';
const QUOTE_WORKERS = 6;
const QUOTE_PAUSE_MS = 15; // per worker: a steady load rather than a flood on a 2-core machine
const PHASES = [
  { name: 'healthy', failureRate: 0, latencyMs: 0 },
  { name: 'failing', failureRate: 1, latencyMs: 0 },
  { name: 'healthy', failureRate: 0, latencyMs: 0 },
  { name: 'flaky', failureRate: 0.3, latencyMs: 0 },
  { name: 'slow', failureRate: 0, latencyMs: slowMs },
];
const PHASE_MS = Math.max(2000, Math.min(10000, (seconds * 1000) / 12));
const QUOTE_STATUSES = new Set([200, 429, 503, 504]);

const started = Date.now();
const deadline = started + seconds * 1000;
let requests = 0;
const stopping = () => Date.now() >= deadline || requests >= maxRequests;

const summary = {
  requests: 0,
  quote: { byStatus: {}, byErrorCode: {}, unexpectedStatus: 0, missingRequestId: 0, idNotEchoed: 0 },
  probes: {},
  nonSuccess: 0,
  malformedProblems: 0,
  malformedSamples: [],
  transportErrors: 0,
  transportSamples: [],
  chaos: { posts: 0, failed: 0, phases: [] },
  ws: { attempts: 0, admitted: 0, echoed: 0, refused: 0, droppedAbruptly: 0, errors: 0 },
};

const bump = (o, k) => (o[k] = (o[k] || 0) + 1);

function record(path, res) {
  requests++;
  if (res.error) {
    summary.transportErrors++;
    if (summary.transportSamples.length < 10) summary.transportSamples.push(`${path}: ${res.error}`);
    return;
  }
  if (res.status < 200 || res.status > 299) {
    summary.nonSuccess++;
    const defects = problemDefects(res);
    if (defects.length) {
      summary.malformedProblems++;
      if (summary.malformedSamples.length < 10)
        summary.malformedSamples.push(`${path} ${res.status}: ${defects.join('; ')}`);
    }
  }
}

async function quoteWorker(w) {
  let n = 0;
  while (!stopping()) {
    n++;
    const headers = {};
    let sent;
    if (n % 4 === 0) headers['X-Request-ID'] = sent = `soak-${w}-${n}`;
    else if (n % 17 === 0) headers['X-Request-ID'] = 'x'.repeat(300);
    const res = await request('GET', baseUrl + '/api/quote', headers);
    record('/api/quote', res);
    if (res.error) {
      await sleep(QUOTE_PAUSE_MS);
      continue;
    }
    bump(summary.quote.byStatus, res.status);
    if (!QUOTE_STATUSES.has(res.status)) summary.quote.unexpectedStatus++;
    const rid = res.headers['x-request-id'];
    if (!rid) summary.quote.missingRequestId++;
    else if (sent && rid !== sent) summary.quote.idNotEchoed++;
    if (res.status !== 200) {
      try {
        bump(summary.quote.byErrorCode, JSON.parse(res.body).error_code);
      } catch (e) {
        bump(summary.quote.byErrorCode, 'unparsable');
      }
    }
    await sleep(QUOTE_PAUSE_MS);
  }
}

async function probeWorker() {
  const paths = ['/health/live', '/health/ready', '/health/startup', '/health', '/metrics'];
  let i = 0;
  while (!stopping()) {
    const path = paths[i++ % paths.length];
    const res = await request('GET', baseUrl + path);
    record(path, res);
    if (!res.error) bump((summary.probes[path] = summary.probes[path] || {}), res.status);
    await sleep(100);
  }
}

async function chaos(phase) {
  const url = `${baseUrl}/admin/chaos?failureRate=${phase.failureRate}&latencyMs=${phase.latencyMs}`;
  const res = await request('POST', url);
  summary.chaos.posts++;
  if (res.error || res.status < 200 || res.status > 299) summary.chaos.failed++;
}

async function chaosWorker() {
  let i = 0;
  while (!stopping()) {
    const phase = PHASES[i++ % PHASES.length];
    summary.chaos.phases.push(phase.name);
    await chaos(phase);
    const until = Date.now() + PHASE_MS;
    while (!stopping() && Date.now() < until) await sleep(100);
  }
}

function wsSession(i) {
  summary.ws.attempts++;
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { handshakeTimeout: 10000 });
    const text = `churn-${i}`;
    const timer = setTimeout(() => {
      summary.ws.errors++;
      ws.terminate();
      resolve();
    }, 15000);
    const end = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.on('unexpected-response', (req) => {
      summary.ws.refused++;
      req.destroy();
      end();
    });
    ws.on('open', () => {
      summary.ws.admitted++;
      ws.send(text);
    });
    ws.on('message', (data) => {
      if (!String(data).includes(text)) return;
      summary.ws.echoed++;
      if (i % 3 === 0) {
        summary.ws.droppedAbruptly++;
        ws.terminate(); // no close frame: the server must notice the dropped socket itself
      } else {
        ws.close(1000, 'churn');
      }
    });
    ws.on('close', end);
    ws.on('error', () => {});
  });
}

async function wsWorker() {
  let i = 0;
  while (!stopping()) {
    await Promise.all(Array.from({ length: 5 }, () => wsSession(i++)));
    await sleep(100);
  }
}

(async () => {
  await Promise.all([
    ...Array.from({ length: QUOTE_WORKERS }, (_, w) => quoteWorker(w)),
    probeWorker(),
    chaosWorker(),
    wsWorker(),
  ]);
  await chaos({ failureRate: 0, latencyMs: 0 });
  summary.requests = requests;
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(JSON.stringify(summary));
  process.exit(0);
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.stack) }));
  process.exit(2);
});
