'use strict';
const http = require('http');

const port = Number(process.env.PORT || 5000);

http.createServer((request, response) => {
  response.writeHead(request.url === '/' || request.url === '/health' ? 200 : 404, { 'Content-Type': 'text/plain' });
  if (request.url === '/health') {
    response.end('ok\n');
  } else if (request.url === '/') {
    response.end(`Hello from procfile! greeting=${process.env.GREETING || ''}\n`);
  } else {
    response.end('not found\n');
  }
}).listen(port, '127.0.0.1', () => console.log(`procfile sample listening on 127.0.0.1:${port}`));
