/**
 * `polar.kit.crypto.generate_token(prefix)`: the shape of Polar's tokens and client secrets (polar-api.md §2): prefix
 * + 37 random alphanumerics + the base62 CRC32 of them. Generated at run time; nothing token-like is ever in source.
 */
import { randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

const TOKEN_RANDOM_LENGTH = 37;
const CHECKSUM_LENGTH = 6;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function generatePolarToken(prefix: string): string {
  let random = "";
  for (let i = 0; i < TOKEN_RANDOM_LENGTH; i++) {
    random += BASE62[randomInt(BASE62.length)];
  }
  return prefix + random + toBase62(crc32(random)).padStart(CHECKSUM_LENGTH, "0");
}

function toBase62(value: number): string {
  let rest = value;
  let digits = "";
  do {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return digits;
}
