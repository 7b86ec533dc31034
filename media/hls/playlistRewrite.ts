// A signed playlist hands its signature on: every URI in it (segment lines, variant playlists,
// URI="…" attributes such as EXT-X-MAP) gets the same ?exp=&sig= query, because players resolve
// those URIs relative to the playlist and drop the playlist's own query string.

export function appendQueryToPlaylist(playlist: string, query: string): string {
  const add = (uri: string) => `${uri}${uri.includes("?") ? "&" : "?"}${query}`;
  return playlist
    .split("\n")
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === "") return line;
      if (!trimmed.startsWith("#")) return add(trimmed);
      return line.replace(/URI="([^"]*)"/g, (_m, uri: string) => `URI="${add(uri)}"`);
    })
    .join("\n");
}
