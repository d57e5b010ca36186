/** One `-----BEGIN X-----` … `-----END X-----` block of a PEM file. */
export interface PemBlock {
  /** What the block says it holds: `CERTIFICATE`, `PRIVATE KEY`, `EC PRIVATE KEY`, … */
  label: string;
  /** The block itself, BEGIN and END lines included. */
  text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * The PEM blocks of a file, in order. Text around them (the comments
 * `openssl x509 -text` writes, bag attributes) is ignored, as OpenSSL does.
 */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((match) => ({ label: match[1]!, text: match[0] }));
}

/** Whether a block holds a private key in any of the forms OpenSSL writes (PKCS#8, SEC1, PKCS#1, encrypted). */
export const isPrivateKeyBlock = (block: PemBlock): boolean => block.label.endsWith("PRIVATE KEY");

/** Whether a private key block is encrypted: PKCS#8 `ENCRYPTED PRIVATE KEY`, or a legacy block with a `Proc-Type: 4,ENCRYPTED` header. */
export const isEncryptedKeyBlock = (block: PemBlock): boolean =>
  block.label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type:\s*4,ENCRYPTED/m.test(block.text);
