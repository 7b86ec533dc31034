/**
 * An array-backed FIFO with O(1) push and amortized O(1) removal from the head.
 * `Array.prototype.shift` is O(n) on large arrays, and a lane can hold 100k items during an outage.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  first(): T | undefined {
    return this.items[this.head];
  }

  /** Copies the first `n` items (fewer when shorter) without removing them. */
  peek(n: number): T[] {
    return this.items.slice(this.head, this.head + n);
  }

  /** Copies the items at positions [from, to) counted from the head. */
  slice(from: number, to: number): T[] {
    return this.items.slice(this.head + from, this.head + Math.min(to, this.length));
  }

  /** Removes the first `n` items. */
  drop(n: number): void {
    this.head = Math.min(this.head + n, this.items.length);
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      // Compact once the dead prefix dominates, so memory follows the live length.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
