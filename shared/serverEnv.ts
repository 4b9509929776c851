/**
 * The environment the language server is started with: the user's, plus settings of glibc's
 * allocator that a setting of the user's own overrides. Imported by the VS Code client, the
 * test and benchmark client (`LspClient`) and the CLI's help.
 *
 * The index workers are threads of the server's process, and glibc gives each thread an
 * allocator arena of its own; those arenas outlive the workers with what they held (file
 * contents, the facts sent to the main thread) never handed back to the system. Two arenas, a
 * lower trim threshold and blocks of 64 KB or more mapped on their own keep that memory from
 * staying resident. Measured through the benchmark on the generated 40,000-file core: RSS after
 * the requests 345–351 → 307 MB, peak RSS through hovers and definitions 333 → 293–296 MB, index
 * times unchanged (README.md, Performance). Other C libraries ignore these variables.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '65536',
};

/** `base` with the allocator settings it does not set itself. */
export function serverEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...ALLOCATOR_ENV, ...base };
}
