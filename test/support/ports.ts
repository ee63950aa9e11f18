/** Ports for tests that run beside others: what a parallel file cannot take away or hand over. */
import * as net from "node:net";

/**
 * A URL of a dependency that is down: nothing listens on port 1 and nothing can come to (the OS gives port-0
 * listeners ephemeral ports, 32768 and up), so connections are refused, where a port free a moment ago could be
 * taken by a parallel test file.
 */
export const REFUSED_ENDPOINT = "http://127.0.0.1:1";

/**
 * A 127.0.0.1 port that was free a moment ago (and nothing listens on it now), for a server a command under test
 * starts itself. Anything else listens on port 0 instead.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
