import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64 } from "./base64";

describe("base64ToBytes", () => {
  it("decodes standard padded base64 to the exact bytes", () => {
    expect([...base64ToBytes("JVBERi0xLjQK")]).toEqual([...new TextEncoder().encode("%PDF-1.4\n")]);
    expect([...base64ToBytes("AP8=")]).toEqual([0x00, 0xff]);
    expect([...base64ToBytes("4uPP0w==")]).toEqual([0xe2, 0xe3, 0xcf, 0xd3]);
    expect(base64ToBytes("")).toHaveLength(0);
  });

  it("round-trips every byte value, in files larger than one encoding slice", () => {
    const bytes = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 7) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(text).toHaveLength(Math.ceil(bytes.length / 3) * 4);
    expect(base64ToBytes(text)).toEqual(bytes);
  });

  it("ignores line breaks, as in wrapped base64", () => {
    expect([...base64ToBytes("JVBE\nRi0x\r\nLjQK")]).toEqual([...base64ToBytes("JVBERi0xLjQK")]);
  });

  it("refuses text that is not base64", () => {
    expect(() => base64ToBytes("%PDF-1.4")).toThrow("not valid base64");
    expect(() => base64ToBytes("abcde")).toThrow("not valid base64");
  });
});
