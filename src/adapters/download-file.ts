import { FileTooLargeError } from "../conversation/import-from-chat.js";

/**
 * Fetches a file a person sent in chat, reading no more than `maxBytes`: a size the server declares
 * over the limit is refused before any byte is read, and a body that runs past it is cut off there.
 * Throws FileTooLargeError for either, an Error for any other failure.
 */
export async function downloadFile(url: string, init: RequestInit, maxBytes: number, what: string): Promise<Uint8Array> {
  const res = await fetch(url, init);
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new Error(`${what}: file download answered ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel();
    throw new FileTooLargeError(declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FileTooLargeError(total);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
