import type { Cache } from "../ports.ts";
import { MemoryCache } from "./MemoryCache.ts";
import { RedisCache } from "./RedisCache.ts";

export { CacheUnavailableError } from "./CacheUnavailableError.ts";
export { MemoryCache, type MemoryCacheOptions } from "./MemoryCache.ts";
export { RedisCache, type RedisCacheOptions } from "./RedisCache.ts";

export interface CreateCacheOptions {
  /** Set → Redis; unset or empty → the embedded memory cache. */
  redisUrl?: string;
  /** Redis only: namespaces keys and channels. The memory cache is private to its process anyway. */
  keyPrefix?: string;
}

export function createCache(options: CreateCacheOptions = {}): Cache {
  if (options.redisUrl) {
    return new RedisCache({ url: options.redisUrl, keyPrefix: options.keyPrefix });
  }
  return new MemoryCache();
}
