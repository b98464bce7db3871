import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request npm made, as the registry received it: the package name decoded (`@kafka-privatelink/plumbing`). */
export interface RegistryRequest {
  readonly method: string;
  readonly path: string;
}

/**
 * A registry on 127.0.0.1 that a team's `.npmrc` pins the scope to, for tests with the real npm:
 * it records every request, keeps what `npm publish` puts into it, serves that back, and answers 404
 * for every other name, as a private registry does for a package nobody published there.
 */
export interface LocalRegistry {
  /** With a trailing slash, as npm writes it in front of every tarball it resolved from here. */
  readonly url: string;
  readonly requests: RegistryRequest[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startLocalRegistry(): Promise<LocalRegistry> {
  const packuments = new Map<string, { versions: Record<string, unknown>; 'dist-tags': Record<string, string> }>();
  const tarballs = new Map<string, Buffer>();
  const requests: RegistryRequest[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push({ method: request.method ?? '', path });
    const answer = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (request.method === 'PUT') {
      body(request).then((raw) => {
        const published = JSON.parse(raw.toString('utf8'));
        const name: string = published.name;
        const known = packuments.get(name) ?? { versions: {}, 'dist-tags': {} };
        for (const [version, manifest] of Object.entries<{ dist: { tarball: string } }>(published.versions)) {
          known.versions[version] = manifest;
          const attachment = Object.values<{ data: string }>(published._attachments)[0];
          tarballs.set(new URL(manifest.dist.tarball).pathname, Buffer.from(attachment.data, 'base64'));
        }
        Object.assign(known['dist-tags'], published['dist-tags']);
        packuments.set(name, known);
        answer(201, { ok: true });
      }, (error: Error) => answer(400, { error: error.message }));
      return;
    }
    const tarball = tarballs.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (tarball) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(tarball);
      return;
    }
    const packument = packuments.get(path.slice(1));
    if (packument) answer(200, { name: path.slice(1), ...packument });
    else answer(404, { error: 'Not found' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
