'use strict';
// Backend for bench/router.sh: fixed-size bodies so the proxies, not the app, differ between runs.
// GET / -> 5 bytes, /1k -> 1024 bytes, /64k -> 65536 bytes; Content-Length set, keep-alive kept open.
const http = require('http');

const port = Number(process.env.PORT || 8080);
const bodies = new Map([
  ['/', Buffer.from('hello')],
  ['/1k', Buffer.alloc(1024, 'a')],
  ['/64k', Buffer.alloc(65536, 'b')],
  ['/health', Buffer.from('ok\n')],
]);
const instance = process.env.SPROUT_INSTANCE_ID || String(port);

const server = http.createServer((request, response) => {
  const body = bodies.get(request.url);
  if (body === undefined) {
    response.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
    response.end('not found\n');
    return;
  }
  response.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': body.length,
    'X-Backend': instance,
  });
  response.end(body);
});
// Longer than any proxy's idle upstream timeout, so pooled upstream connections are not cut mid-run.
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;

server.listen(port, '127.0.0.1', () => console.log(`bench app listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
