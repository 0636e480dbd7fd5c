import { createServer } from 'node:http';

/**
 * The physical limit: a bare node:http handler answering pre-serialised
 * bytes. Run as its own process: `tsx bench/lib/raw-server.ts <port> <file>`.
 */
const [port, file] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const body = readFileSync(file);
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
