/**
 * Files sent in chat are read within a limit, whatever the server says of their size: refused
 * before reading when it declares too many bytes, cut off when it streams more than it may.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadFile } from "../src/adapters/download-file.js";
import { FileTooLargeError } from "../src/conversation/import-from-chat.js";

describe("downloading a file sent in chat", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? "/";
      const chunk = Buffer.alloc(64 * 1024, 7);
      if (path === "/declared") {
        res.writeHead(200, { "content-length": String(10 * chunk.length) });
        for (let i = 0; i < 10; i++) res.write(chunk);
        return res.end();
      }
      if (path === "/missing") {
        res.writeHead(404);
        return res.end("gone");
      }
      // Chunked, with no length said: only reading tells how large it is.
      res.writeHead(200, { "transfer-encoding": "chunked" });
      let n = 0;
      const more = () => {
        if (n === 10 || res.destroyed) return res.end();
        n += 1;
        res.write(chunk, more);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("returns every byte of a file within the limit", async () => {
    expect((await downloadFile(`${base}/small`, {}, 1024 * 1024, "test")).length).toBe(10 * 64 * 1024);
  });

  it("refuses a declared size over the limit, and a streamed body that runs past it", async () => {
    await expect(downloadFile(`${base}/declared`, {}, 100 * 1024, "test")).rejects.toEqual(new FileTooLargeError(10 * 64 * 1024));
    const streamed = downloadFile(`${base}/streamed`, {}, 100 * 1024, "test");
    await expect(streamed).rejects.toBeInstanceOf(FileTooLargeError);
    // Cut off where it passed the limit, not read to its end.
    const size = await streamed.catch((error: FileTooLargeError) => error.size);
    expect(size).toBeGreaterThan(100 * 1024);
    expect(size).toBeLessThan(10 * 64 * 1024);
  });

  it("says a failed download is a failure, not a size", async () => {
    await expect(downloadFile(`${base}/missing`, {}, 1024, "test")).rejects.toThrow("test: file download answered 404");
  });
});
