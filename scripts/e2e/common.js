'use strict';
// Shared helpers of the end-to-end clients. Only loopback targets are accepted.
const http = require('http');

function requireLoopback(url) {
  const host = new URL(url).hostname;
  if (!(host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host))) {
    throw new Error(`target must be on loopback, was ${host}`);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request; resolves {status, headers, body, ms} or {error, ms}. Never rejects. */
function request(method, url, headers = {}, timeoutMs = 20000) {
  const started = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: ms() }));
      res.on('error', (e) => resolve({ error: String(e), ms: ms() }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: String(e), ms: ms() }));
    req.end();
  });
}

/** Problems with a non-2xx answer's body: [] when it is well-formed application/problem+json. */
function problemDefects(res) {
  const defects = [];
  const type = String(res.headers['content-type'] || '');
  if (!type.startsWith('application/problem+json')) defects.push(`content-type ${type || 'missing'}`);
  let p;
  try {
    p = JSON.parse(res.body);
  } catch (e) {
    return defects.concat(`body is not JSON: ${JSON.stringify(res.body.slice(0, 120))}`);
  }
  if (p === null || typeof p !== 'object') return defects.concat('body is not a JSON object');
  if (p.status !== res.status) defects.push(`status field ${p.status} != ${res.status}`);
  if (typeof p.title !== 'string' || !p.title) defects.push('no title');
  if (typeof p.error_code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(p.error_code)) defects.push(`bad error_code ${p.error_code}`);
  const rid = res.headers['x-request-id'];
  if (typeof p.request_id !== 'string' || !p.request_id) defects.push('no request_id');
  else if (rid !== p.request_id) defects.push(`request_id ${p.request_id} != X-Request-ID ${rid}`);
  return defects;
}

/** Sum of the samples of one metric family in Prometheus text, or null when absent. */
function metricSum(text, name) {
  let sum = null;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + '{') || line.startsWith(name + ' ')) {
      const v = Number(line.trim().split(/\s+/).pop());
      if (!Number.isNaN(v)) sum = (sum || 0) + v;
    }
  }
  return sum;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { requireLoopback, request, problemDefects, metricSum, sleep, agent };
