/**
 * Growable typed-array buffers: append numbers one at a time (amortized O(1), capacity doubles) and take a
 * right-sized column at the end. Loaders and generators use them to build columns without arrays of objects.
 */

type TypedCtor<T> = { new (n: number): T };
type Typed = Float64Array | Int8Array | Int32Array;

/** A growable buffer over a typed array kind. */
export class GrowableBuffer<T extends Typed> {
  private a: T;
  /** Number of values appended so far. */
  n = 0;
  constructor(private readonly ctor: TypedCtor<T>, capacity = 1024) {
    this.a = new ctor(Math.max(1, capacity));
  }
  /** Appends one value. */
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new this.ctor(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  /** A right-sized copy of the values appended so far. */
  done(): T {
    return this.a.slice(0, this.n) as T;
  }
}

/** A growable Float64Array. */
export function f64Buffer(capacity = 1024): GrowableBuffer<Float64Array> {
  return new GrowableBuffer(Float64Array, capacity);
}

/** A growable Int8Array. */
export function i8Buffer(capacity = 1024): GrowableBuffer<Int8Array> {
  return new GrowableBuffer(Int8Array, capacity);
}
