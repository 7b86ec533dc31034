// What a stream key can look like before anything is looked up. Keys are 24 random bytes in
// base64url (engine/streams/StreamService.ts newStreamKey); the bounds leave room for other
// lengths without letting arbitrary junk reach the database.
const STREAM_KEY = /^[A-Za-z0-9_-]{16,128}$/;

export const isWellFormedStreamKey = (key: string): boolean => STREAM_KEY.test(key);

/** Keys are secrets: logs get a recognisable prefix only. */
export const redactKey = (key: string): string => `${key.slice(0, 4)}…`;
