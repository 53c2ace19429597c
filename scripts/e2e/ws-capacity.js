'use strict';
// Opens TOTAL WebSocket connections at once against an echo endpoint, echoes one message on every
// admitted connection, reads the registry gauge while all are held, then closes them all.
// Usage: node ws-capacity.js WS_URL METRICS_URL TOTAL
// Prints one JSON summary line.
const WebSocket = require('ws');
const { requireLoopback, request, metricSum, sleep } = require('./common');

const [wsUrl, metricsUrl, totalArg] = process.argv.slice(2);
requireLoopback(wsUrl);
requireLoopback(metricsUrl);
const total = Number(totalArg);
const SETTLE_MS = 15000;

function attempt(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { handshakeTimeout: SETTLE_MS });
    const text = `e2e-echo-${i}`;
    let done = false;
    const finish = (r) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        resolve({ ...r, ws });
      }
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), SETTLE_MS);
    ws.on('unexpected-response', (req, res) => {
      finish({ kind: 'refused-http', status: res.statusCode, retryAfter: res.headers['retry-after'] });
      req.destroy();
    });
    ws.on('open', () => ws.send(text));
    ws.on('message', (data) => {
      if (String(data).includes(text)) finish({ kind: 'admitted' });
    });
    ws.on('close', (code) => finish({ kind: 'closed', code }));
    ws.on('error', (e) => finish({ kind: 'error', message: String(e) }));
  });
}

(async () => {
  const results = await Promise.all(Array.from({ length: total }, (_, i) => attempt(i)));
  const admitted = results.filter((r) => r.kind === 'admitted');
  const refusals = {};
  for (const r of results.filter((x) => x.kind !== 'admitted')) {
    const key = r.kind === 'refused-http' ? `http ${r.status}` : r.kind === 'closed' ? `close ${r.code}` : r.kind;
    refusals[key] = (refusals[key] || 0) + 1;
  }
  const retryAfter = results.filter((r) => r.kind === 'refused-http').every((r) => r.retryAfter !== undefined);
  const metrics = await request('GET', metricsUrl);
  const activeWhileHeld = metrics.status === 200 ? metricSum(metrics.body, 'reliability_connections_active') : null;
  // A connection refused after the upgrade may close just after its refusal was counted.
  await sleep(200);
  const closed = await Promise.all(
    admitted.map(
      (r) =>
        new Promise((resolve) => {
          if (r.ws.readyState === WebSocket.CLOSED) return resolve(-1);
          const t = setTimeout(() => {
            r.ws.terminate();
            resolve(-2);
          }, 10000);
          r.ws.once('close', (code) => {
            clearTimeout(t);
            resolve(code);
          });
          r.ws.close(1000, 'done');
        }),
    ),
  );
  for (const r of results) if (r.ws.readyState !== WebSocket.CLOSED) r.ws.terminate();
  console.log(
    JSON.stringify({
      total,
      admitted: admitted.length,
      refusals,
      refusedHttpCarryRetryAfter: retryAfter,
      activeWhileHeld,
      closedCleanly: closed.filter((c) => c === 1000).length,
    }),
  );
  process.exit(0);
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.stack) }));
  process.exit(2);
});
