// Deviation D43: of several authorization entries, the first decides
/**
 * The first credential of an `authorization` value. A request may carry the
 * header (or gRPC metadata entry) more than once: the Python SDK sends two,
 * its own and then its call credentials'. Node keeps the first of repeated
 * `authorization` headers, but web Headers (Hono's request, a fetch client)
 * join them into one value, "Bearer a, Bearer b". Neither a JWT nor the
 * base64 of Basic credentials holds a comma, so the text before the first
 * comma is the first entry: it decides, and a later one is never read.
 */
export function firstCredential(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const comma = authorization.indexOf(",");
  return comma < 0 ? authorization : authorization.slice(0, comma);
}
