import { describe, expect, it } from "vitest";
import { parseHlsPath, resolveInside } from "./hlsPath.ts";
import { HlsSigner } from "./HlsSigner.ts";
import { appendQueryToPlaylist } from "./playlistRewrite.ts";

const ID = "5f0c9a7e-1b2c-4d3e-8f90-123456789abc";

describe("parseHlsPath", () => {
  it.each([
    [`/${ID}/index.m3u8`, "playlist", "application/vnd.apple.mpegurl"],
    [`/${ID}/seg_1795625092.ts`, "segment", "video/mp2t"],
    [`/${ID}/v1/index.m3u8`, "playlist", "application/vnd.apple.mpegurl"],
    [`/${ID}/v0/seg_00012.m4s`, "segment", "video/iso.segment"],
    [`/${ID}/init.mp4`, "init", "video/mp4"],
    [`/${ID}/thumb.jpg`, "thumbnail", "image/jpeg"],
  ])("serves %s as %s", (path, kind, contentType) => {
    expect(parseHlsPath(path)).toMatchObject({ streamId: ID, kind, contentType });
  });

  it.each([
    "/../jwt-secret",
    `/${ID}/../../jwt-secret`,
    `/${ID}/..%2f..%2fjwt-secret`,
    `/${ID}/%2e%2e/teezu.db`,
    `/${ID}/v0/../../x.ts`,
    `/${ID}/.hidden.ts`,
    `/${ID}/index.m3u8.tmp`,
    `/${ID}/seg_1.ts.tmp`,
    `/${ID}/x/seg.ts`,
    `/${ID}/v0/thumb.jpg`,
    `/${ID}/other.jpg`,
    `/${ID}/a\\..\\b.ts`,
    `/${ID}/index.M3U8`,
    `/${ID}/v0/v1/index.m3u8`,
    `/${ID}`,
    `/${ID}/`,
    `/not-a-uuid/index.m3u8`,
    `//${ID}/index.m3u8`,
    `/${ID}/index.m3u8/`,
  ])("refuses %s", (path) => expect(parseHlsPath(path)).toBeNull());

  it("resolves only inside the root", () => {
    const ref = parseHlsPath(`/${ID}/v1/index.m3u8`)!;
    expect(resolveInside("/data/hls", ref)).toBe(`/data/hls/${ID}/v1/index.m3u8`);
    expect(resolveInside("/data/hls", { ...ref, parts: ["..", "..", "jwt-secret"] })).toBeNull();
  });
});

describe("HlsSigner", () => {
  let now = 1_800_000_000_000;
  const signer = new HlsSigner("a-jwt-secret-of-sufficient-length-0123456789", 3600, () => now);

  it("signs streamId + expiry and verifies in constant time", () => {
    const { exp, sig } = signer.sign(ID);
    expect(exp).toBe(1_800_000_000 + 3600);
    expect(signer.verify(ID, String(exp), sig)).toBe(true);
    expect(signer.verify("6f0c9a7e-1b2c-4d3e-8f90-123456789abc", String(exp), sig)).toBe(false);
    expect(signer.verify(ID, String(exp + 1), sig)).toBe(false);
    expect(signer.verify(ID, String(exp), sig.slice(0, -1) + (sig.endsWith("A") ? "B" : "A"))).toBe(false);
    expect(signer.verify(ID, undefined, sig)).toBe(false);
    expect(signer.verify(ID, String(exp), ["x"])).toBe(false);
    expect(signer.verify(ID, "1e12", sig)).toBe(false);
  });

  it("refuses an expired URL", () => {
    const { exp, sig } = signer.sign(ID);
    now += 3601_000;
    expect(signer.verify(ID, String(exp), sig)).toBe(false);
  });

  it("uses a key of its own, derived from the JWT secret", () => {
    const a = new HlsSigner("secret-one-secret-one-secret-one-0000", 60, () => 0).sign(ID, 100);
    const b = new HlsSigner("secret-two-secret-two-secret-two-0000", 60, () => 0).sign(ID, 100);
    expect(a.sig).not.toBe(b.sig);
    const url = new HlsSigner("secret-one-secret-one-secret-one-0000", 60, () => 0).signUrl(`/hls/${ID}/index.m3u8`, ID);
    expect(url.url).toMatch(new RegExp(`^/hls/${ID}/index\\.m3u8\\?exp=60&sig=[A-Za-z0-9_-]{43}$`));
    expect(url.expiresAt.getTime()).toBe(60_000);
  });
});

describe("appendQueryToPlaylist", () => {
  it("passes the signature on to every URI of a media and a master playlist", () => {
    const media = "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1.000000,\nseg_1.ts\n#EXTINF:1.000000,\nseg_2.ts\n";
    expect(appendQueryToPlaylist(media, "exp=1&sig=a")).toBe('#EXTM3U\n#EXT-X-MAP:URI="init.mp4?exp=1&sig=a"\n#EXTINF:1.000000,\nseg_1.ts?exp=1&sig=a\n#EXTINF:1.000000,\nseg_2.ts?exp=1&sig=a\n');
    const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1x1,CODECS="avc1"\nv0/index.m3u8\n\n';
    expect(appendQueryToPlaylist(master, "exp=1&sig=a")).toBe('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1x1,CODECS="avc1"\nv0/index.m3u8?exp=1&sig=a\n\n');
  });
});
