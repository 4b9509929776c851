/**
 * The environment the language server is started with: the user's, plus settings of glibc's
 * allocator that a setting of the user's own overrides. Imported by the VS Code client, the
 * test and benchmark client (`LspClient`) and the CLI's help.
 *
 * The index workers are threads of the server's process, and glibc gives each thread an
 * allocator arena of its own; those arenas outlive the workers with what they held (file
 * contents, the facts sent to the main thread) never handed back to the system. Two arenas, a
 * lower trim threshold and blocks of 40 KB or more mapped on their own keep that memory from
 * staying resident. Measured through the benchmark on the generated 40,000-file core: RSS after
 * the requests 345–351 → 307 MB, peak RSS through hovers and definitions 333 → 293–296 MB, index
 * times unchanged (with a threshold of 64 KB).
 *
 * Not lower: V8's compilers take their memory in blocks of 32 KB and a little (zone segments),
 * tens of thousands of them through a cold index, and git reads each folder through a 32 KB
 * buffer. Mapped on their own, each is an mmap, page faults and an munmap. On 2026-12-01, on this
 * project's machine, that doubled a cold index (8 KB, as it was from `5c601ae`: 27 s and 45 s of CPU,
 * against 15 s and 26 s at 40 KB, with peak RSS 269–273 against 282–287 MB; docs/performance.md).
 * Other C libraries ignore these variables.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '40960',
};

/**
 * The server's V8 young generation: at most 8 MB per semi-space (V8's default is 16 MB). Large
 * answers (references on `stdenv`: 35,000 locations) fill it in bursts, and both semi-spaces stay
 * resident after. Measured through the benchmark on the generated core, by turns, twice each:
 * RSS after the requests 315–316 → 293–294 MB, peak through them 337 → 322–328 MB, the requests'
 * p95 within the day's spread (docs/performance.md). Passed in `NODE_OPTIONS`, after what the
 * user's own holds; a semi-space size of the user's own wins.
 */
export const SERVER_NODE_OPTIONS = '--max-semi-space-size=8';

/** `base` with the allocator settings it does not set itself, and the server's `NODE_OPTIONS`. */
export function serverEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = base.NODE_OPTIONS?.trim();
  const nodeOptions = own?.includes('--max-semi-space-size') ? own : own ? `${own} ${SERVER_NODE_OPTIONS}` : SERVER_NODE_OPTIONS;
  return { ...ALLOCATOR_ENV, ...base, NODE_OPTIONS: nodeOptions };
}
