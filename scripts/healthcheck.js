// The container's health check (Dockerfile HEALTHCHECK, compose.yaml): exits 0 when every path
// given (default /healthz) answers 200 from this Chaser's own PORT, else 1 naming what failed.
// Node built-ins only: the slim image has no curl.
const port = Number(process.env.PORT || 3978);
const host = process.env.HOST || "127.0.0.1";
// A wildcard address listens everywhere, loopback included.
const target = ["0.0.0.0", "::", ""].includes(host) ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
const paths = process.argv.slice(2);

for (const path of paths.length > 0 ? paths : ["/healthz"]) {
  const url = `http://${target}:${port}${path}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
    if (res.status !== 200) {
      process.stderr.write(`${url}: HTTP ${res.status}\n`);
      process.exit(1);
    }
  } catch (error) {
    process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
