'use strict';
// One ordinary WebSocket client: opens, sends one text message, waits for its echo, closes.
// Usage: node ws-echo.js WS_URL TEXT [ORIGIN]
// Prints one JSON line: {opened, echoed, status (of a refused handshake), error, ms}.
const WebSocket = require('ws');
const { requireLoopback } = require('./common');

const [wsUrl, text, origin] = process.argv.slice(2);
requireLoopback(wsUrl);
const started = Date.now();
const result = { opened: false, echoed: false };
const report = () => {
  result.ms = Date.now() - started;
  console.log(JSON.stringify(result));
  process.exit(0);
};
setTimeout(() => {
  result.error = result.error || 'timed out after 15 s';
  report();
}, 15000);

const ws = new WebSocket(wsUrl, origin ? { handshakeTimeout: 10000, origin } : { handshakeTimeout: 10000 });
ws.on('unexpected-response', (req, res) => {
  result.status = res.statusCode;
  req.destroy();
  report();
});
ws.on('open', () => {
  result.opened = true;
  ws.send(text);
});
ws.on('message', (data) => {
  if (String(data) === text) {
    result.echoed = true;
    ws.close(1000, 'bye');
  }
});
ws.on('close', () => report());
ws.on('error', (e) => {
  result.error = String(e);
});
