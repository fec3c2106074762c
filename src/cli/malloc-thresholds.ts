/**
 * Lets glibc's malloc keep the memory a backfill frees, instead of handing it back to the kernel
 * and taking it again (each page of it then faults and is zeroed anew).
 *
 * A backfill allocates large buffers all along, outside V8's heap: gunzip's 1 MiB output chunks and
 * the export worker's request bodies, which V8 frees in batches at its collections, and the
 * optimizing compiler's zones. glibc serves a block above its mmap threshold (128 KiB at start) by
 * mmap, and trims the top of its heap once more than twice that threshold is free there, so the
 * freed memory kept going back to the kernel and every chunk after touched fresh pages:
 * ~5,000 of the ~30,000 page faults of a 97 MB `.gz` backfill (bench backfill-throughput).
 *
 * glibc raises both thresholds by itself when a block it mapped is freed: the mmap threshold to
 * that block's size (up to 32 MiB), the trim threshold to twice that (mallopt(3), "M_MMAP_THRESHOLD").
 * So one block of RAISE_TO_BYTES, never written (its pages are never touched), dropped at once and
 * freed by V8's next collection, has malloc keep up to 2 × RAISE_TO_BYTES free at the top of each of
 * its heaps, and serve blocks below RAISE_TO_BYTES from them. 97 MB `.gz` backfill (medians of 11
 * runs, interleaved, in four rounds): page faults 30,400–31,000 → 25,200–26,500, CPU 60–170 ms less
 * (2.08 → 2.02 s on a quick minute, 2.55 → 2.38 s on a slow one), wall 20–120 ms less; plain
 * 1.31 → 1.29 s; peak RSS +4–9 MiB. Another allocator (musl) only sees one short-lived block.
 *
 * Backfill only: a follower is not bound by throughput, and its RSS should fall when a burst has passed.
 */
export function raiseMallocThresholds(): void {
  Buffer.allocUnsafeSlow(RAISE_TO_BYTES);
}

/** Above everything a backfill allocates at once (a gunzip chunk is 1 MiB, a request body at most 4 MiB by default). */
const RAISE_TO_BYTES = 16 << 20;
