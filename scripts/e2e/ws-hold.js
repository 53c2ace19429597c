'use strict';
// Opens COUNT WebSocket connections, prints "ready" once all are open, then waits until the
// server closes them (or TIMEOUT_S passes) and prints the close codes as one JSON line.
// Usage: node ws-hold.js WS_URL COUNT TIMEOUT_S
const WebSocket = require('ws');
const { requireLoopback } = require('./common');

const [wsUrl, countArg, timeoutArg] = process.argv.slice(2);
requireLoopback(wsUrl);
const count = Number(countArg);
const codes = [];
let opened = 0;
const sockets = [];

const report = () => {
  console.log(JSON.stringify({ opened, codes }));
  for (const s of sockets) s.terminate();
  process.exit(0);
};
setTimeout(report, Number(timeoutArg) * 1000);

for (let i = 0; i < count; i++) {
  const ws = new WebSocket(wsUrl, { handshakeTimeout: 10000 });
  sockets.push(ws);
  ws.on('open', () => {
    if (++opened === count) console.log('ready');
  });
  ws.on('close', (code) => {
    codes.push(code);
    if (codes.length === count) report();
  });
  ws.on('error', () => {});
}
