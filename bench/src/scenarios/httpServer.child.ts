/**
 * The servers of the HTTP benchmarks, run in a child process so that the process being measured and
 * the one answering do not share an event loop (they still share the machine's cores).
 *
 *   node httpServer.child.js plain       a bare node:http server
 *   node httpServer.child.js tributary   the same routes on Http.newServerAt(...).bind(handler)
 *
 * Routes: GET /small (a small JSON document), POST /upload (counts the body's bytes), GET /download/N
 * (N bytes in 64 KiB chunks, written as the socket drains). Sends `{ port }` to the parent once it listens.
 */
import { createServer } from 'node:http';
import { Sink, Source } from '@tributary/core';
import { Http, HttpEntity, HttpResponse, ServerSettings } from '@tributary/http';

export const SmallJson = JSON.stringify({ id: 42, name: 'tributary', tags: ['http', 'bench'], ok: true });
export const Chunk = Buffer.alloc(64 * 1024, 1);

async function plain(): Promise<number> {
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/small') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(SmallJson) });
      res.end(SmallJson);
    } else if (url === '/upload') {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(String(n)));
    } else if (url.startsWith('/download/')) {
      let left = Number(url.slice('/download/'.length));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const write = (): void => {
        while (left > 0) {
          const c = left >= Chunk.length ? Chunk : Chunk.subarray(0, left);
          left -= c.length;
          if (!res.write(c)) {
            res.once('drain', write);
            return;
          }
        }
        res.end();
      };
      write();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

async function tributary(): Promise<number> {
  const small = HttpEntity.strict(SmallJson, 'application/json');
  const binding = await Http.newServerAt('127.0.0.1', 0)
    .withSettings(ServerSettings.default.withMaxRequestEntityBytes(Infinity))
    .bind(async (req) => {
      if (req.url === '/small') return HttpResponse.ok(small);
      if (req.url === '/upload') return HttpResponse.ok(String(await req.entity.dataBytes.runWith(Sink.fold(0, (n, c: Buffer) => n + c.length))));
      if (req.url.startsWith('/download/')) {
        const total = Number(req.url.slice('/download/'.length));
        const full = Math.floor(total / Chunk.length);
        const rest = total - full * Chunk.length;
        const chunks =
          rest === 0
            ? Source.repeat(Chunk).take(full)
            : Source.repeat(Chunk)
                .take(full)
                .concat(Source.single(Chunk.subarray(0, rest)));
        return HttpResponse.ok(HttpEntity.streamed(chunks));
      }
      return HttpResponse.status(404);
    });
  return binding.port;
}

if (process.send !== undefined) {
  const mode = process.argv[2];
  const port = mode === 'plain' ? await plain() : mode === 'tributary' ? await tributary() : Promise.reject(new Error(`unknown mode ${mode}`));
  process.send({ port: await port });
  // The parent's death (or disconnect) ends this process.
  process.on('disconnect', () => process.exit(0));
}
