/**
 * The plumbing every test HTTP server shares: listen on 127.0.0.1 on a free port, track the open
 * sockets, and close by destroying them (stalled or keep-alive ones too) before the server stops.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A listening server: its port, `http://127.0.0.1:PORT/v1`, and a close that ends every connection. */
export interface Listening {
  readonly server: Server;
  readonly port: number;
  /** `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 on a port the system picks. */
export async function listenLocal(handler: RequestListener): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The whole body of a request as UTF-8 text. */
export function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    incoming.setEncoding("utf8");
    incoming.on("data", (chunk: string) => (text += chunk));
    incoming.on("end", () => resolve(text));
    incoming.on("error", reject);
  });
}
