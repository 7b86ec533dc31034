// The ffmpeg command of the transcoder, built by a pure function (Owncast's lesson: the command is
// data, unit-tested as a string without running ffmpeg). One process per live stream pulls the
// RTMP stream from the ingest on this host and writes:
//   outDir/index.m3u8 + seg_*.ts          one rendition (default), or
//   outDir/index.m3u8 (master) + v0/… v1/…  the ABR ladder: source + 480p
//   outDir/thumb.jpg                      a thumbnail, replaced every few seconds
//   stdout: lavfi.r128.M=<LUFS>           momentary loudness, 10 lines a second, for the energy meter
import { join } from "node:path";

/** Segment length. Players hold back ~3 segments, so this sets most of the glass-to-glass delay. */
export const HLS_SEGMENT_SECONDS = 1;
/** Segments kept in the live playlist (older ones are deleted from disk). */
export const HLS_LIST_SIZE = 6;
/** Keyframe interval at 30 fps = one segment; forced keyframes keep 1 s at other frame rates. */
export const GOP_FRAMES = 30;
export const PLAYLIST = "index.m3u8";
export const THUMBNAIL = "thumb.jpg";
const ANALYZE_MICROSECONDS = 1_000_000;

export interface HlsJob {
  /** rtmp://127.0.0.1:<port>/live/<streamKey> */
  input: string;
  /** DATA_DIR/hls/<streamId> (must exist). */
  outDir: string;
  /** Source + 480p renditions with a master playlist; needs an audio track. */
  abr: boolean;
  /** Seconds between thumbnails; 0 → none. */
  thumbnailEverySeconds: number;
  /** Print momentary loudness on stdout (needs ametadata's `direct`, ffmpeg ≥ 4.2-ish; see FfmpegLocator). */
  loudness: boolean;
  /** ffmpeg ≥ 5 has image2 -atomic_writing; the static 4.1 fallback does not. */
  atomicThumbnails: boolean;
  /** Benchmarks only: keep the publisher's timestamps (capture time) in the segments. */
  copyTimestamps?: boolean;
}

/** ebur128 passes audio through unchanged; ametadata prints its momentary loudness to stdout. */
export const LOUDNESS_FILTER = "ebur128=metadata=1,ametadata=print:key=lavfi.r128.M:file=-:direct=1";

const VIDEO_CODEC = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p"];
// -g/-keyint_min/-sc_threshold: no scene-cut keyframes, so every segment is exactly 1 s at 30 fps;
// -force_key_frames: a keyframe each second whatever the frame rate (a 15 fps OBS scene too).
const KEYFRAMES = ["-g", String(GOP_FRAMES), "-keyint_min", String(GOP_FRAMES), "-sc_threshold", "0", "-force_key_frames", `expr:gte(t,n_forced*${HLS_SEGMENT_SECONDS})`];
const AUDIO_CODEC = ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"];

function hlsMuxer(job: HlsJob): string[] {
  return [
    "-f", "hls",
    "-hls_time", String(HLS_SEGMENT_SECONDS),
    "-hls_list_size", String(HLS_LIST_SIZE),
    // temp_file: playlists and segments appear by rename, so the server never serves half a file.
    "-hls_flags", "delete_segments+independent_segments+temp_file",
    // Media sequence numbers keep rising across reconnects, so a player never sees them go back.
    "-hls_start_number_source", "epoch",
    ...(job.copyTimestamps ? ["-hls_segment_options", "mpegts_copyts=1"] : []),
  ];
}

function renditions(job: HlsJob): string[] {
  const loudness = job.loudness ? ["-filter:a:0", LOUDNESS_FILTER] : [];
  if (!job.abr) {
    return [
      "-map", "0:v:0", "-map", "0:a:0?",
      ...VIDEO_CODEC, ...KEYFRAMES,
      "-crf", "23", "-maxrate", "5000k", "-bufsize", "10000k",
      ...AUDIO_CODEC, ...loudness,
      ...hlsMuxer(job),
      "-hls_segment_filename", join(job.outDir, "seg_%05d.ts"),
      join(job.outDir, PLAYLIST),
    ];
  }
  return [
    "-map", "0:v:0", "-map", "0:a:0", "-map", "0:v:0", "-map", "0:a:0",
    ...VIDEO_CODEC, ...KEYFRAMES,
    // v:0 is the source size; v:1 is 480p (never upscaled).
    "-crf:v:0", "23", "-maxrate:v:0", "5000k", "-bufsize:v:0", "10000k",
    "-filter:v:1", "scale=-2:'min(480,ih)'", "-b:v:1", "1200k", "-maxrate:v:1", "1400k", "-bufsize:v:1", "2400k",
    ...AUDIO_CODEC, ...loudness,
    ...hlsMuxer(job),
    "-var_stream_map", "v:0,a:0 v:1,a:1",
    "-master_pl_name", PLAYLIST,
    "-hls_segment_filename", join(job.outDir, "v%v", "seg_%05d.ts"),
    join(job.outDir, "v%v", PLAYLIST),
  ];
}

function thumbnail(job: HlsJob): string[] {
  if (job.thumbnailEverySeconds <= 0) return [];
  return [
    "-map", "0:v:0", "-an",
    "-vf", `fps=1/${job.thumbnailEverySeconds},scale=320:-2`,
    "-q:v", "5", "-update", "1", ...(job.atomicThumbnails ? ["-atomic_writing", "1"] : []),
    "-f", "image2", join(job.outDir, THUMBNAIL),
  ];
}

export function buildHlsArgs(job: HlsJob): string[] {
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y",
    ...(job.copyTimestamps ? ["-copyts"] : []),
    // RTMP announces its tracks up front; probing 1 s instead of ffmpeg's default cuts ~1.5 s off
    // the time to the first playlist.
    "-analyzeduration", String(ANALYZE_MICROSECONDS),
    "-i", job.input,
    ...renditions(job),
    ...thumbnail(job),
  ];
}
