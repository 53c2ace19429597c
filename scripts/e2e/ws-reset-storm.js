'use strict';
// Handshake-then-reset storm: COUNT raw TCP clients each send a WebSocket upgrade request and then
// reset the connection (RST, no close handshake), as a client that wants to hold handshake slots
// does. Even-numbered clients reset right after sending; odd-numbered ones wait for the first
// bytes of the answer (101 or 503), then reset. CONCURRENCY clients run at a time.
// Usage: node ws-reset-storm.js WS_URL COUNT CONCURRENCY
// Prints one JSON summary line: {resets, answers: {"101": n, "503": n, ...}, errors, ms}.
const net = require('net');
const { requireLoopback } = require('./common');

const [wsUrl, countArg, concurrencyArg] = process.argv.slice(2);
requireLoopback(wsUrl);
const url = new URL(wsUrl);
const host = url.hostname.replace(/^\[|\]$/g, '');
const port = Number(url.port);
const count = Number(countArg);
const concurrency = Math.max(1, Number(concurrencyArg || 10));
const TIMEOUT_MS = 10000;

const summary = { resets: 0, answers: {}, errors: 0, errorSamples: [], ms: 0 };
const started = Date.now();

function reset(socket) {
  if (typeof socket.resetAndDestroy !== 'function') {
    throw new Error(`node ${process.version} has no socket.resetAndDestroy (needs 16.17 or newer)`);
  }
  socket.resetAndDestroy();
  summary.resets++;
}

function one(i) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = setTimeout(() => {
      summary.answers.none = (summary.answers.none || 0) + 1;
      reset(socket);
      finish();
    }, TIMEOUT_MS);
    socket.on('error', (e) => {
      if (!done) {
        summary.errors++;
        if (summary.errorSamples.length < 3) summary.errorSamples.push(String(e));
      }
      finish();
    });
    socket.on('connect', () => {
      const request =
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n\r\n';
      socket.write(request, 'latin1', () => {
        if (i % 2 === 0) {
          reset(socket);
          finish();
        }
      });
    });
    socket.once('data', (chunk) => {
      if (i % 2 === 1 && !done) {
        const status = (/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1')) || [])[1] || 'other';
        summary.answers[status] = (summary.answers[status] || 0) + 1;
        reset(socket);
        finish();
      }
    });
  });
}

(async () => {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await one(next++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  summary.ms = Date.now() - started;
  console.log(JSON.stringify(summary));
})().catch((e) => {
  console.log(JSON.stringify({ ...summary, fatal: String(e) }));
  process.exit(1);
});
