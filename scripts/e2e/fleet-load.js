'use strict';
// Paced load on one route of several instances at once, to see a limit they share: each target
// gets RATE requests a second (open loop: the pace does not wait for answers, at most 32 in flight
// per target) for SECONDS, or until MAX_REQUESTS in all. Prints one JSON line: per target the
// answers by status and error code, refusals without Retry-After, malformed problem+json bodies
// and transport errors; and the window from the first request sent to the last answer received.
// Usage: node fleet-load.js SECONDS RATE MAX_REQUESTS PATH URL...
const { requireLoopback, request, problemDefects } = require('./common');

const [secondsArg, rateArg, maxArg, path, ...bases] = process.argv.slice(2);
const seconds = Number(secondsArg);
const rate = Number(rateArg);
const maxRequests = Number(maxArg);
if (!(seconds > 0 && seconds <= 60 && rate > 0 && rate <= 500 && maxRequests > 0 && bases.length > 0)) {
  throw new Error('usage: node fleet-load.js SECONDS(1-60) RATE(1-500) MAX_REQUESTS PATH URL...');
}
bases.forEach(requireLoopback);
const MAX_IN_FLIGHT = 32;

const bump = (o, k) => (o[k] = (o[k] || 0) + 1);
let sent = 0;
const targets = bases.map((base) => ({
  url: base + path,
  sent: 0,
  skipped: 0,
  inFlight: 0,
  byStatus: {},
  byErrorCode: {},
  refusedWithoutRetryAfter: 0,
  malformed: 0,
  errors: 0,
  samples: [],
  maxMs: 0,
}));

async function one(t) {
  t.inFlight++;
  t.sent++;
  sent++;
  const res = await request('GET', t.url, {}, 10000);
  t.inFlight--;
  t.maxMs = Math.max(t.maxMs, Math.round(res.ms));
  if (res.error) {
    t.errors++;
    if (t.samples.length < 5) t.samples.push(res.error);
    return;
  }
  bump(t.byStatus, String(res.status));
  if (res.status !== 200) {
    if (problemDefects(res).length) t.malformed++;
    try {
      bump(t.byErrorCode, JSON.parse(res.body).error_code || 'none');
    } catch (e) {
      bump(t.byErrorCode, 'unparsable');
    }
    if (res.status === 429 && !res.headers['retry-after']) t.refusedWithoutRetryAfter++;
  }
}

(async () => {
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  const pending = [];
  const intervalMs = 1000 / rate;
  // One tick per request slot: each target gets its request of this slot, unless it is saturated.
  for (let slot = 0; ; slot++) {
    const due = slot * intervalMs;
    if (due >= seconds * 1000 || sent >= maxRequests) break;
    const wait = due - elapsedMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const t of targets) {
      if (sent >= maxRequests) break;
      if (t.inFlight >= MAX_IN_FLIGHT) {
        t.skipped++;
        continue;
      }
      pending.push(one(t));
    }
  }
  await Promise.all(pending);
  const windowSeconds = elapsedMs() / 1000;
  for (const t of targets) {
    t.admitted = t.byStatus['200'] || 0;
    delete t.inFlight;
  }
  const admitted = targets.reduce((s, t) => s + t.admitted, 0);
  process.stdout.write(
    JSON.stringify({ seconds, rate, windowSeconds: Number(windowSeconds.toFixed(3)), sent, admitted, targets }) + '\n');
})().catch((e) => {
  process.stdout.write(JSON.stringify({ fatal: String(e) }) + '\n');
  process.exit(1);
});
