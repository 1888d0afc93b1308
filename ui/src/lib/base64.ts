/**
 * Standard base64 (RFC 4648, with padding; whitespace ignored) to bytes.
 * The backend sends files such as a report's cached PDF this way, because
 * command results travel as JSON.
 *
 * Throws an `Error` when `text` is not base64.
 */
export function base64ToBytes(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error("The file is not valid base64.");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes to standard base64 with padding (the inverse of `base64ToBytes`). */
export function bytesToBase64(bytes: Uint8Array): string {
  // In slices: String.fromCharCode(...bytes) would overflow the stack on large files.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
