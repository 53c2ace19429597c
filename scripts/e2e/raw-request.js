'use strict';
// Sends one GET over a raw TCP connection with an X-Request-ID header whose value is given as a
// JSON string (so it may hold CR, LF, control characters, non-ASCII or thousands of bytes, which
// curl and Node's HTTP client refuse or rewrite), and reports what came back.
// Usage: node raw-request.js URL VALUE_AS_JSON_STRING
// Prints one JSON line: {status, requestId, injected, ms, error}; injected is true when the answer
// carries a header named X-Injected (a value that split the answer's headers).
const net = require('net');
const { requireLoopback } = require('./common');

const [target, valueJson] = process.argv.slice(2);
requireLoopback(target);
const url = new URL(target);
const value = JSON.parse(valueJson);
const started = Date.now();
const result = {};
const report = () => {
  result.ms = Date.now() - started;
  console.log(JSON.stringify(result));
  process.exit(0);
};
setTimeout(() => {
  result.error = 'no answer within 10 s';
  report();
}, 10000);

const socket = net.connect({ host: url.hostname, port: Number(url.port) });
const chunks = [];
socket.on('connect', () => {
  const head = Buffer.concat([
    Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nX-Request-ID: `, 'latin1'),
    Buffer.from(value, 'utf8'),
    Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1'),
  ]);
  socket.write(head);
});
socket.on('data', (c) => chunks.push(c));
socket.on('error', (e) => {
  result.error = String(e);
});
socket.on('close', () => {
  const text = Buffer.concat(chunks).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = (end < 0 ? text : text.slice(0, end)).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
  result.status = status ? Number(status[1]) : 0;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'x-request-id') result.requestId = line.slice(colon + 1).trim();
    if (name === 'x-injected') result.injected = true;
  }
  result.injected = Boolean(result.injected);
  report();
});
