'use strict';
const http = require('http');

// Beanstalk's Node.js platform default port is 8080.
const port = Number(process.env.PORT || 8080);

const server = http.createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('ok\n');
    return;
  }
  if (request.url === '/') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end(`Hello from node! greeting=${process.env.GREETING || ''} version=${process.env.SPROUT_VERSION_LABEL || ''} instance=${process.env.SPROUT_INSTANCE_ID || ''}\n`);
    return;
  }
  response.writeHead(404, { 'Content-Type': 'text/plain' });
  response.end('not found\n');
});

server.listen(port, '127.0.0.1', () => console.log(`node sample listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
