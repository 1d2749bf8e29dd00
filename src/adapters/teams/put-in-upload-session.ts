/**
 * OneDrive takes at most 60 MiB in one request to an upload session; a larger file goes in
 * fragments, each a multiple of 320 KiB (its documented rule). 60 MiB is one.
 */
const MAX_FRAGMENT_BYTES = 60 * 1024 * 1024;
const FRAGMENT_UNIT = 320 * 1024;
/** An upload that hangs is given up, so the person is told rather than left waiting. */
const FRAGMENT_TIMEOUT_MS = 120_000;

/**
 * Puts a file's bytes into the OneDrive upload session Teams opened when the person accepted a file
 * consent card: PUT with Content-Range and Content-Length, no Authorization header (the address is
 * pre-authorised, and OneDrive may refuse a request that carries one). Throws unless OneDrive says
 * the file is complete.
 */
export async function putInUploadSession(uploadUrl: string, bytes: Uint8Array, fragmentBytes = MAX_FRAGMENT_BYTES): Promise<void> {
  const total = bytes.length;
  if (total === 0) throw new Error("teams: an empty file cannot be put in an upload session");
  if (fragmentBytes < total && fragmentBytes % FRAGMENT_UNIT !== 0) throw new Error("teams: upload fragments must be a multiple of 320 KiB");
  for (let start = 0; start < total; start += fragmentBytes) {
    const end = Math.min(start + fragmentBytes, total) - 1;
    const response = await fetch(uploadUrl, {
      method: "PUT",
      headers: { "content-range": `bytes ${start}-${end}/${total}`, "content-length": String(end - start + 1) },
      // A copy of the fragment: fetch takes bytes backed by a plain ArrayBuffer.
      body: new Uint8Array(bytes.subarray(start, end + 1)),
      signal: AbortSignal.timeout(FRAGMENT_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    const last = end === total - 1;
    // More to come: 202 Accepted. The last fragment: 201 Created (or 200 OK when the file existed).
    const expected = last ? [200, 201] : [202];
    if (!expected.includes(response.status)) throw new Error(`teams: the upload session answered ${response.status} to bytes ${start}-${end}/${total}`);
  }
}
