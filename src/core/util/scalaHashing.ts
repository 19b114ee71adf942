/**
 * The pieces of Scala's `scala.util.hashing` package that Spark's partitioning and sampling
 * depend on: MurmurHash3 (Scala 2.13 flavour) and `byteswap32`.
 *
 * Everything works on int32 values; `Math.imul` gives the JVM's wrapping 32-bit multiply.
 */

/** `MurmurHash3.productSeed`: the seed case classes (and so `TupleN.hashCode`) start from. */
export const PRODUCT_SEED = 0xcafebabe | 0;
/** `MurmurHash3.arraySeed`, also the default seed of `bytesHash`. */
export const ARRAY_SEED = 0x3c074a61;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Mixes a block into the running hash; used for every block but the last. */
export function mix(hash: number, data: number): number {
  const h = rotl(mixLast(hash, data), 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Mixes the final block; unlike `mix` it leaves the hash unrotated. */
export function mixLast(hash: number, data: number): number {
  let k = Math.imul(data, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  return hash ^ k;
}

/** Folds the element count in, then avalanches. */
export function finalizeHash(hash: number, length: number): number {
  return avalanche(hash ^ length);
}

/** The fmix32 finaliser: forces every input bit to affect every output bit. */
export function avalanche(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * `MurmurHash3.bytesHash(data, seed)`: little-endian 4-byte blocks, then a 1..3 byte tail.
 * Bytes are read as unsigned, exactly as Scala masks them with `& 0xFF`.
 */
export function bytesHash(data: Uint8Array, seed: number = ARRAY_SEED): number {
  const len = data.length;
  let h = seed | 0;
  let i = 0;
  for (; len - i >= 4; i += 4) {
    const k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    h = mix(h, k);
  }
  const rest = len - i;
  let k = 0;
  if (rest === 3) k ^= data[i + 2]! << 16;
  if (rest >= 2) k ^= data[i + 1]! << 8;
  if (rest >= 1) {
    k ^= data[i]!;
    h = mixLast(h, k);
  }
  return finalizeHash(h, len);
}

/**
 * `scala.util.hashing.byteswap32`: Spark uses it to turn small consecutive ints (partition
 * indices, RDD ids) into well-spread seeds.
 */
export function byteswap32(v: number): number {
  const hc = Math.imul(v | 0, 0x9e3775cd);
  const swapped =
    ((hc & 0xff) << 24) | ((hc & 0xff00) << 8) | ((hc >>> 8) & 0xff00) | ((hc >>> 24) & 0xff);
  return Math.imul(swapped, 0x9e3775cd);
}
