import { describe, expect, it } from "vitest";
import { buildHlsArgs, LOUDNESS_FILTER, type HlsJob } from "./ffmpegArgs.ts";

const job: HlsJob = {
  input: "rtmp://127.0.0.1:1935/live/KEY_abc-123_xyzXYZ0123456789ab",
  outDir: "/data/hls/5f0c9a7e-1b2c-4d3e-8f90-123456789abc",
  abr: false,
  thumbnailEverySeconds: 5,
  loudness: true,
  atomicThumbnails: true,
};
const cmd = (j: HlsJob) => buildHlsArgs(j).join(" ");

describe("buildHlsArgs", () => {
  it("pulls the ingest's RTMP stream quietly", () => {
    expect(cmd(job)).toMatch(/^-hide_banner -nostdin -nostats -loglevel error -y -analyzeduration 1000000 -i rtmp:\/\/127\.0\.0\.1:1935\/live\/KEY_abc-123_xyzXYZ0123456789ab /);
  });

  it("writes 1 s segments into a 6-segment live playlist with old segments deleted", () => {
    const c = cmd(job);
    expect(c).toContain("-g 30 -keyint_min 30 -sc_threshold 0 -force_key_frames expr:gte(t,n_forced*1)");
    expect(c).toContain("-f hls -hls_time 1 -hls_list_size 6 -hls_flags delete_segments+independent_segments+temp_file -hls_start_number_source epoch");
    expect(c).toContain(
      "-hls_segment_filename /data/hls/5f0c9a7e-1b2c-4d3e-8f90-123456789abc/seg_%05d.ts /data/hls/5f0c9a7e-1b2c-4d3e-8f90-123456789abc/index.m3u8",
    );
    expect(c).toContain("-map 0:v:0 -map 0:a:0? -c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p");
    expect(c).toContain("-c:a aac -b:a 128k -ar 48000 -ac 2");
    expect(c).not.toContain("var_stream_map");
  });

  it("prints momentary loudness on stdout through the audio of the first rendition", () => {
    expect(LOUDNESS_FILTER).toBe("ebur128=metadata=1,ametadata=print:key=lavfi.r128.M:file=-:direct=1");
    expect(cmd(job)).toContain(`-filter:a:0 ${LOUDNESS_FILTER}`);
    expect(cmd({ ...job, loudness: false })).not.toContain("ebur128");
  });

  it("adds a thumbnail output replaced every few seconds", () => {
    expect(cmd(job)).toMatch(
      / -map 0:v:0 -an -vf fps=1\/5,scale=320:-2 -q:v 5 -update 1 -atomic_writing 1 -f image2 \/data\/hls\/5f0c9a7e-1b2c-4d3e-8f90-123456789abc\/thumb\.jpg$/,
    );
    expect(cmd({ ...job, atomicThumbnails: false })).not.toContain("-atomic_writing");
    expect(cmd({ ...job, thumbnailEverySeconds: 0 })).not.toContain("thumb.jpg");
  });

  it("builds the ABR ladder (source + 480p) with a master playlist", () => {
    const c = cmd({ ...job, abr: true });
    expect(c).toContain("-map 0:v:0 -map 0:a:0 -map 0:v:0 -map 0:a:0");
    expect(c).toContain("-filter:v:1 scale=-2:'min(480,ih)' -b:v:1 1200k");
    expect(c).toContain('-var_stream_map v:0,a:0 v:1,a:1 -master_pl_name index.m3u8');
    expect(c).toContain("-hls_segment_filename /data/hls/5f0c9a7e-1b2c-4d3e-8f90-123456789abc/v%v/seg_%05d.ts /data/hls/5f0c9a7e-1b2c-4d3e-8f90-123456789abc/v%v/index.m3u8");
  });

  it("keeps capture timestamps only when benchmarking", () => {
    expect(cmd(job)).not.toContain("copyts");
    const c = cmd({ ...job, copyTimestamps: true });
    expect(c).toContain("-copyts -analyzeduration 1000000 -i ");
    expect(c).toContain("-hls_segment_options mpegts_copyts=1");
  });

  it("passes every value as its own argument (no shell, no quoting)", () => {
    const args = buildHlsArgs({ ...job, input: "rtmp://127.0.0.1:1935/live/a b;rm -rf /" });
    expect(args[args.indexOf("-i") + 1]).toBe("rtmp://127.0.0.1:1935/live/a b;rm -rf /");
  });
});
