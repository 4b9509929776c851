// The waves analysis: pure functions and data, no LSP and no editor. Start with `WaveModel`
// (graph + manifest section), a `BranchSnapshot` from `BranchCache`, then
// `describePackageWaves` → `renderWavesHover`, `frozenEditWarning`, `buildWavePlan` → `renderWavePlan`.
export * from './graph';
export * from './branches';
export * from './gitBranches';
export * from './manifest';
export * from './steps';
export * from './roles';
export * from './packageWaves';
export * from './hover';
export * from './plan';
export * from './bench';
