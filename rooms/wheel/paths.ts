// Where the wheel keeps its records in the document store. One config document per stream, with
// its seeds and its spins (the winner log) as subcollections.
export const WHEELS = "wheels";
export const seedsCollection = (streamId: string) => `${WHEELS}/${streamId}/seeds`;
export const spinsCollection = (streamId: string) => `${WHEELS}/${streamId}/spins`;

/** Sortable as a string: the seed round, zero-padded. */
export const roundId = (round: number) => `r${String(round).padStart(9, "0")}`;

/** Sortable as a string: zero-padded ms timestamp then the seed round and nonce. */
export const spinSeq = (ts: number, round: number, nonce: number) => `${String(ts).padStart(15, "0")}:${String(round).padStart(9, "0")}:${String(nonce).padStart(9, "0")}`;
