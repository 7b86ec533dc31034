export { WriteBehindQueue, type WriteBehindQueueOptions } from "./WriteBehindQueue.ts";
export { SpillLog, encodeSpillLine, decodeSpillLine } from "./SpillLog.ts";
export { JournalUnavailableError } from "./GroupCommit.ts";
export type { SinkApply, SpillRecord, SpillSegment, WriteBehindLogger } from "./types.ts";
